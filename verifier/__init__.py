"""Verifier service for border and agency officers: OpenID4VP requests, checks against the chain
mirror, and only the claims that were asked for."""
