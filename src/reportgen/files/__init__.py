"""Writing outputs so that nothing is lost (spec/cli.md, "Nothing lost")."""
