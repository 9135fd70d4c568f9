"""The chain layer: a typed client over web3.py for the IssuerRegistry and CredentialRegistry.

Nothing here uses an anvil-only RPC method: the same code runs against Geth, Besu or an L2.
Dev-only helpers that do (funding accounts on a local chain) live in :mod:`nansen.chain.devchain`.
"""
