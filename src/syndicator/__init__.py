"""syndicator: feed in, pull-quote posts out on X and Facebook, exactly once."""

__version__ = "0.1.0"
__all__ = ["__version__"]
