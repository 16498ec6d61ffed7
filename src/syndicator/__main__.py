"""`python -m syndicator` is the same as the `syndicate` command."""

from syndicator.cli import main

if __name__ == "__main__":
    main()
