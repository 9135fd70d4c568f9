"""The `nansen` operator console: dev chain, deployment, governance (argparse: no Typer in the core)."""
