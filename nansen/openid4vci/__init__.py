"""OpenID4VCI 1.0, pre-authorized code flow: offers, key proofs and error codes."""
