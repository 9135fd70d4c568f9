// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ICredentialRegistry — anchored credential batches and per-issuer status lists
/// @notice An active issuer anchors a batch of credentials as one Merkle root with its count; the
///         block time is recorded and a root is anchored once only. Each issuer has its own list of
///         2-bit status entries (0 valid, 1 revoked, 2 suspended; revoked is final) that only it can
///         change. Entry i lives in word i >> 7 at bit 2 * (i & 127) from the least significant bit,
///         so each word written as 32 little-endian bytes, concatenated, is an IETF Token Status
///         List (bits = 2). Events carry whole words so logs alone rebuild every list.
interface ICredentialRegistry {
    struct Batch {
        address issuer;
        uint64 anchoredAt;
        uint32 count;
    }

    error CredentialRegistryUnauthorized(address caller);
    error CredentialRegistryIssuerNotActive(address issuer);
    error CredentialRegistryInvalidRoot();
    error CredentialRegistryEmptyBatch();
    error CredentialRegistryRootAlreadyAnchored(bytes32 root);
    error CredentialRegistryMalformedUpdate(uint256 length);
    error CredentialRegistryIndexOutOfRange(uint256 index);
    error CredentialRegistryInvalidStatus(uint256 index, uint8 status);
    error CredentialRegistryRevokedIsFinal(uint256 index);

    event IssuerActivityChanged(address indexed issuer, bool active);
    event BatchAnchored(address indexed issuer, bytes32 indexed root, uint32 count, uint64 anchoredAt);
    event StatusWordChanged(address indexed issuer, uint256 indexed wordIndex, uint256 word);

    /// @notice Mirrors an issuer's active flag; callable only by the issuer registry.
    function setIssuerActive(address issuer, bool active) external;

    /// @notice Anchors a batch root with the number of credentials under it.
    function anchorBatch(bytes32 root, uint32 count) external;

    /// @notice Changes entries of the caller's own status list.
    /// @param updates packed 4-byte records, each a big-endian uint24 index followed by a uint8
    ///        status (packing keeps calldata near 64 gas per entry instead of ~300 for two ABI arrays)
    function setStatuses(bytes calldata updates) external;

    function issuerRegistry() external view returns (address);

    function isActive(address issuer) external view returns (bool);

    function batch(bytes32 root) external view returns (Batch memory);

    function statusOf(address issuer, uint256 index) external view returns (uint8);

    function statusWord(address issuer, uint256 wordIndex) external view returns (uint256);

    function statusWords(address issuer, uint256 fromWord, uint256 count) external view returns (uint256[] memory);
}
