"""The ground of the house: the shared error type, settings from the environment, and two services that
know nothing of the domain (sending an alert, storing a frame). Every layer may import it; it imports
none of them."""

__version__ = "0.2.2"
