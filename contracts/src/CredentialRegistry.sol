// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ICredentialRegistry} from "./interfaces/ICredentialRegistry.sol";

/// @title CredentialRegistry — see ICredentialRegistry
/// @dev Deployed by IssuerRegistry, which pushes each issuer's active flag here, so anchoring reads
///      one local slot instead of calling out (that keeps a batch anchor under 50,000 gas).
contract CredentialRegistry is ICredentialRegistry {
    uint256 public constant STATUS_LIST_SIZE = 1 << 20;
    uint256 public constant ENTRIES_PER_WORD = 128;
    uint8 public constant STATUS_VALID = 0;
    uint8 public constant STATUS_REVOKED = 1;
    uint8 public constant STATUS_SUSPENDED = 2;

    address private immutable _issuerRegistry;
    mapping(address issuer => bool) private _active;
    mapping(bytes32 root => Batch) private _batches;
    mapping(address issuer => mapping(uint256 wordIndex => uint256)) private _statusWords;

    constructor(address issuerRegistry_) {
        _issuerRegistry = issuerRegistry_;
    }

    /// @inheritdoc ICredentialRegistry
    function setIssuerActive(address issuer, bool active) external {
        if (msg.sender != _issuerRegistry) revert CredentialRegistryUnauthorized(msg.sender);
        _active[issuer] = active;
        emit IssuerActivityChanged(issuer, active);
    }

    /// @inheritdoc ICredentialRegistry
    function anchorBatch(bytes32 root, uint32 count) external {
        if (!_active[msg.sender]) revert CredentialRegistryIssuerNotActive(msg.sender);
        if (root == bytes32(0)) revert CredentialRegistryInvalidRoot();
        if (count == 0) revert CredentialRegistryEmptyBatch();
        if (_batches[root].issuer != address(0)) revert CredentialRegistryRootAlreadyAnchored(root);
        uint64 anchoredAt = uint64(block.timestamp);
        _batches[root] = Batch({issuer: msg.sender, anchoredAt: anchoredAt, count: count});
        emit BatchAnchored(msg.sender, root, count, anchoredAt);
    }

    /// @inheritdoc ICredentialRegistry
    /// @dev Only the caller's own list is touched, so no accreditation check is needed: verifiers
    ///      read lists of accredited issuers only. Consecutive records in one word share one read
    ///      and one write.
    function setStatuses(bytes calldata updates) external {
        uint256 n = updates.length;
        if (n == 0 || n % 4 != 0) revert CredentialRegistryMalformedUpdate(n);
        mapping(uint256 => uint256) storage words = _statusWords[msg.sender];
        uint256 wordIndex = type(uint256).max;
        uint256 word;
        uint256 original;
        for (uint256 offset = 0; offset < n;) {
            uint256 record;
            assembly ("memory-safe") {
                record := shr(224, calldataload(add(updates.offset, offset)))
            }
            uint256 index = record >> 8;
            uint256 status = record & 0xff;
            if (index >= STATUS_LIST_SIZE) revert CredentialRegistryIndexOutOfRange(index);
            if (status > STATUS_SUSPENDED) revert CredentialRegistryInvalidStatus(index, uint8(status));
            uint256 w = index >> 7;
            if (w != wordIndex) {
                if (wordIndex != type(uint256).max) _flush(words, wordIndex, original, word);
                wordIndex = w;
                word = words[w];
                original = word;
            }
            uint256 shift = (index & 127) << 1;
            if ((word >> shift) & 3 == STATUS_REVOKED && status != STATUS_REVOKED) {
                revert CredentialRegistryRevokedIsFinal(index);
            }
            word = (word & ~(uint256(3) << shift)) | (status << shift);
            unchecked {
                offset += 4;
            }
        }
        _flush(words, wordIndex, original, word);
    }

    function _flush(mapping(uint256 => uint256) storage words, uint256 wordIndex, uint256 original, uint256 word)
        private
    {
        if (word == original) return;
        words[wordIndex] = word;
        emit StatusWordChanged(msg.sender, wordIndex, word);
    }

    /// @inheritdoc ICredentialRegistry
    function issuerRegistry() external view returns (address) {
        return _issuerRegistry;
    }

    /// @inheritdoc ICredentialRegistry
    function isActive(address issuer) external view returns (bool) {
        return _active[issuer];
    }

    /// @inheritdoc ICredentialRegistry
    function batch(bytes32 root) external view returns (Batch memory) {
        return _batches[root];
    }

    /// @inheritdoc ICredentialRegistry
    function statusOf(address issuer, uint256 index) external view returns (uint8) {
        if (index >= STATUS_LIST_SIZE) revert CredentialRegistryIndexOutOfRange(index);
        return uint8((_statusWords[issuer][index >> 7] >> ((index & 127) << 1)) & 3);
    }

    /// @inheritdoc ICredentialRegistry
    function statusWord(address issuer, uint256 wordIndex) external view returns (uint256) {
        return _statusWords[issuer][wordIndex];
    }

    /// @inheritdoc ICredentialRegistry
    function statusWords(address issuer, uint256 fromWord, uint256 count) external view returns (uint256[] memory words) {
        uint256 totalWords = STATUS_LIST_SIZE / ENTRIES_PER_WORD;
        if (fromWord >= totalWords) revert CredentialRegistryIndexOutOfRange(fromWord * ENTRIES_PER_WORD);
        if (count > totalWords - fromWord) count = totalWords - fromWord;
        words = new uint256[](count);
        mapping(uint256 => uint256) storage list = _statusWords[issuer];
        for (uint256 i = 0; i < count; ++i) {
            words[i] = list[fromWord + i];
        }
    }
}
