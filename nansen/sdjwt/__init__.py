"""SD-JWT (RFC 9901) and SD-JWT VC: issuance, presentation, verification.

Roles live in their own modules (``issuance``, ``presentation``, ``verification``) over shared
``disclosures``/``processing``/``compact``; errors in ``errors``.
"""
