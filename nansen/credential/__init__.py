"""Nansen credentials: SD-JWT VC with an in-credential anchor proof and on-chain status.

``issuance`` builds payloads and signs them once their batch is anchored; ``verification``
checks a presentation against the chain mirror alone (no contact with the issuer).
"""
