"""IETF Token Status List (draft-ietf-oauth-status-list): encoding, chain words, index allocation."""
