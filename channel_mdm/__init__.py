"""channel-mdm: cleanse, match, govern and migrate a brand's channel master data."""

__version__ = "0.1.0"
