// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title IIssuerRegistry — the trust registry of accredited credential issuers
/// @notice Governance (a multisig of agencies in production) accredits issuers, suspends and
///         reinstates them and can retire any of their keys (compromise). An issuer adds and retires
///         its own signing keys (rotation). Verifiers ask whether key K of issuer I was valid at time T,
///         so credentials signed before a rotation still verify. Every change emits an event, so the
///         whole state can be rebuilt from logs alone. Nothing personal is stored.
interface IIssuerRegistry {
    /// @notice An accredited issuer. Scalars share one storage slot.
    struct IssuerRecord {
        string name;
        string issuerId;
        uint64 accreditedAt;
        bool accredited;
        bool suspended;
    }

    /// @notice A credential signing key: a P-256 public key (x || y) named by its RFC 7638 thumbprint.
    struct SigningKey {
        bytes publicKey;
        uint64 validFrom;
        uint64 validUntil; // 0: open-ended
        uint64 retiredAt; // 0: not retired
    }

    error IssuerRegistryUnauthorized(address caller);
    error IssuerRegistryZeroAddress();
    error IssuerRegistryAlreadyAccredited(address issuer);
    error IssuerRegistryIssuerIdTaken(string issuerId);
    error IssuerRegistryInvalidIssuerId(string issuerId);
    error IssuerRegistryEmptyName();
    error IssuerRegistryNotAccredited(address issuer);
    error IssuerRegistryAlreadySuspended(address issuer);
    error IssuerRegistryNotSuspended(address issuer);
    error IssuerRegistryIssuerSuspended(address issuer);
    error IssuerRegistryInvalidKey(bytes32 kid);
    error IssuerRegistryKeyExists(address issuer, bytes32 kid);
    error IssuerRegistryUnknownKey(address issuer, bytes32 kid);
    error IssuerRegistryKeyAlreadyRetired(address issuer, bytes32 kid, uint64 retiredAt);
    error IssuerRegistryInvalidValidity(uint64 validFrom, uint64 validUntil);
    error IssuerRegistryRetirementInPast(uint64 retiredAt, uint64 nowTs);

    event GovernanceTransferStarted(address indexed current, address indexed pending);
    event GovernanceTransferred(address indexed previous, address indexed next);
    event IssuerAccredited(address indexed issuer, string name, string issuerId);
    event IssuerSuspended(address indexed issuer);
    event IssuerReinstated(address indexed issuer);
    event KeyAdded(address indexed issuer, bytes32 indexed kid, bytes publicKey, uint64 validFrom, uint64 validUntil);
    event KeyRetired(address indexed issuer, bytes32 indexed kid, uint64 retiredAt, address indexed by);

    /// @notice Accredits `issuer` with a display name and its unique `iss` identifier (https URL).
    function accreditIssuer(address issuer, string calldata name, string calldata issuerId) external;

    /// @notice Suspends an accredited issuer: it can no longer anchor batches or add keys.
    function suspendIssuer(address issuer) external;

    /// @notice Lifts a suspension.
    function reinstateIssuer(address issuer) external;

    /// @notice Called by an active issuer to add one of its own signing keys.
    /// @param kid RFC 7638 SHA-256 thumbprint of the public JWK
    /// @param publicKey uncompressed P-256 point without prefix: x || y (64 bytes)
    function addKey(bytes32 kid, bytes calldata publicKey, uint64 validFrom, uint64 validUntil) external;

    /// @notice Called by an issuer to retire one of its keys at `retiredAt` (0: now; never in the past).
    function retireKey(bytes32 kid, uint64 retiredAt) external;

    /// @notice Governance retires any issuer key at any time, also in the past (key compromise).
    ///         An already retired key can only be retired earlier.
    function retireIssuerKey(address issuer, bytes32 kid, uint64 retiredAt) external;

    /// @notice Starts a two-step governance hand-over; `acceptGovernance` completes it.
    function transferGovernance(address pending) external;

    function acceptGovernance() external;

    function governance() external view returns (address);

    function pendingGovernance() external view returns (address);

    function credentialRegistry() external view returns (address);

    function issuer(address account) external view returns (IssuerRecord memory);

    function issuerByIssuerId(string calldata issuerId) external view returns (address);

    function signingKey(address issuer, bytes32 kid) external view returns (SigningKey memory);

    /// @notice True when `issuer` is accredited and not suspended.
    function isActiveIssuer(address issuer) external view returns (bool);

    /// @notice True when key `kid` of `issuer` existed and was within its validity window and not
    ///         retired at `timestamp`. Issuer suspension is a separate, current-state question.
    function isKeyValidAt(address issuer, bytes32 kid, uint64 timestamp) external view returns (bool);
}
