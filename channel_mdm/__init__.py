"""channel-mdm: cleanse, match, govern and migrate a brand's channel master data (the command line)."""

from foundation import __version__

__all__ = ["__version__"]
