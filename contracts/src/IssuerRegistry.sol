// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IIssuerRegistry} from "./interfaces/IIssuerRegistry.sol";
import {CredentialRegistry} from "./CredentialRegistry.sol";

/// @title IssuerRegistry — see IIssuerRegistry
/// @dev Deploys its CredentialRegistry in the constructor and keeps its issuers' active flags in
///      step, so both contracts are one deployment transaction and anchoring needs no external call.
contract IssuerRegistry is IIssuerRegistry {
    address private _governance;
    address private _pendingGovernance;
    CredentialRegistry private immutable _credentialRegistry;
    mapping(address issuer => IssuerRecord) private _issuers;
    mapping(bytes32 issuerIdHash => address) private _issuerIds;
    mapping(address issuer => mapping(bytes32 kid => SigningKey)) private _keys;

    modifier onlyGovernance() {
        if (msg.sender != _governance) revert IssuerRegistryUnauthorized(msg.sender);
        _;
    }

    constructor(address governance_) {
        if (governance_ == address(0)) revert IssuerRegistryZeroAddress();
        _governance = governance_;
        _credentialRegistry = new CredentialRegistry(address(this));
        emit GovernanceTransferred(address(0), governance_);
    }

    // -- governance ------------------------------------------------------------------------------

    /// @inheritdoc IIssuerRegistry
    function accreditIssuer(address issuer_, string calldata name, string calldata issuerId) external onlyGovernance {
        if (issuer_ == address(0)) revert IssuerRegistryZeroAddress();
        if (_issuers[issuer_].accredited) revert IssuerRegistryAlreadyAccredited(issuer_);
        if (bytes(name).length == 0) revert IssuerRegistryEmptyName();
        if (!_isHttpsUrl(issuerId)) revert IssuerRegistryInvalidIssuerId(issuerId);
        bytes32 idHash = keccak256(bytes(issuerId));
        if (_issuerIds[idHash] != address(0)) revert IssuerRegistryIssuerIdTaken(issuerId);
        _issuers[issuer_] = IssuerRecord({
            name: name, issuerId: issuerId, accreditedAt: uint64(block.timestamp), accredited: true, suspended: false
        });
        _issuerIds[idHash] = issuer_;
        _credentialRegistry.setIssuerActive(issuer_, true);
        emit IssuerAccredited(issuer_, name, issuerId);
    }

    /// @inheritdoc IIssuerRegistry
    function suspendIssuer(address issuer_) external onlyGovernance {
        IssuerRecord storage record = _accredited(issuer_);
        if (record.suspended) revert IssuerRegistryAlreadySuspended(issuer_);
        record.suspended = true;
        _credentialRegistry.setIssuerActive(issuer_, false);
        emit IssuerSuspended(issuer_);
    }

    /// @inheritdoc IIssuerRegistry
    function reinstateIssuer(address issuer_) external onlyGovernance {
        IssuerRecord storage record = _accredited(issuer_);
        if (!record.suspended) revert IssuerRegistryNotSuspended(issuer_);
        record.suspended = false;
        _credentialRegistry.setIssuerActive(issuer_, true);
        emit IssuerReinstated(issuer_);
    }

    /// @inheritdoc IIssuerRegistry
    function retireIssuerKey(address issuer_, bytes32 kid, uint64 retiredAt) external onlyGovernance {
        SigningKey storage key = _existingKey(issuer_, kid);
        uint64 at = retiredAt == 0 ? uint64(block.timestamp) : retiredAt;
        // a key already retired may only be retired earlier (a compromise found to date back further)
        if (key.retiredAt != 0 && at >= key.retiredAt) revert IssuerRegistryKeyAlreadyRetired(issuer_, kid, key.retiredAt);
        key.retiredAt = at;
        emit KeyRetired(issuer_, kid, at, msg.sender);
    }

    /// @inheritdoc IIssuerRegistry
    function transferGovernance(address pending) external onlyGovernance {
        if (pending == address(0)) revert IssuerRegistryZeroAddress();
        _pendingGovernance = pending;
        emit GovernanceTransferStarted(_governance, pending);
    }

    /// @inheritdoc IIssuerRegistry
    function acceptGovernance() external {
        if (msg.sender != _pendingGovernance) revert IssuerRegistryUnauthorized(msg.sender);
        address previous = _governance;
        _governance = msg.sender;
        _pendingGovernance = address(0);
        emit GovernanceTransferred(previous, msg.sender);
    }

    // -- issuers ---------------------------------------------------------------------------------

    /// @inheritdoc IIssuerRegistry
    function addKey(bytes32 kid, bytes calldata publicKey, uint64 validFrom, uint64 validUntil) external {
        IssuerRecord storage record = _accredited(msg.sender);
        if (record.suspended) revert IssuerRegistryIssuerSuspended(msg.sender);
        if (kid == bytes32(0) || publicKey.length != 64) revert IssuerRegistryInvalidKey(kid);
        if (validUntil != 0 && validUntil <= validFrom) revert IssuerRegistryInvalidValidity(validFrom, validUntil);
        SigningKey storage key = _keys[msg.sender][kid];
        if (key.publicKey.length != 0) revert IssuerRegistryKeyExists(msg.sender, kid);
        key.publicKey = publicKey;
        key.validFrom = validFrom;
        key.validUntil = validUntil;
        emit KeyAdded(msg.sender, kid, publicKey, validFrom, validUntil);
    }

    /// @inheritdoc IIssuerRegistry
    function retireKey(bytes32 kid, uint64 retiredAt) external {
        _accredited(msg.sender);
        SigningKey storage key = _existingKey(msg.sender, kid);
        if (key.retiredAt != 0) revert IssuerRegistryKeyAlreadyRetired(msg.sender, kid, key.retiredAt);
        uint64 nowTs = uint64(block.timestamp);
        uint64 at = retiredAt == 0 ? nowTs : retiredAt;
        if (at < nowTs) revert IssuerRegistryRetirementInPast(at, nowTs);
        key.retiredAt = at;
        emit KeyRetired(msg.sender, kid, at, msg.sender);
    }

    // -- views -----------------------------------------------------------------------------------

    function governance() external view returns (address) {
        return _governance;
    }

    function pendingGovernance() external view returns (address) {
        return _pendingGovernance;
    }

    function credentialRegistry() external view returns (address) {
        return address(_credentialRegistry);
    }

    function issuer(address account) external view returns (IssuerRecord memory) {
        return _issuers[account];
    }

    function issuerByIssuerId(string calldata issuerId) external view returns (address) {
        return _issuerIds[keccak256(bytes(issuerId))];
    }

    function signingKey(address issuer_, bytes32 kid) external view returns (SigningKey memory) {
        return _keys[issuer_][kid];
    }

    function isActiveIssuer(address issuer_) external view returns (bool) {
        IssuerRecord storage record = _issuers[issuer_];
        return record.accredited && !record.suspended;
    }

    function isKeyValidAt(address issuer_, bytes32 kid, uint64 timestamp) external view returns (bool) {
        SigningKey storage key = _keys[issuer_][kid];
        return key.publicKey.length != 0 && timestamp >= key.validFrom
            && (key.validUntil == 0 || timestamp < key.validUntil) && (key.retiredAt == 0 || timestamp < key.retiredAt);
    }

    // -- internals -------------------------------------------------------------------------------

    function _accredited(address issuer_) private view returns (IssuerRecord storage record) {
        record = _issuers[issuer_];
        if (!record.accredited) revert IssuerRegistryNotAccredited(issuer_);
    }

    function _existingKey(address issuer_, bytes32 kid) private view returns (SigningKey storage key) {
        key = _keys[issuer_][kid];
        if (key.publicKey.length == 0) revert IssuerRegistryUnknownKey(issuer_, kid);
    }

    function _isHttpsUrl(string calldata value) private pure returns (bool) {
        bytes calldata raw = bytes(value);
        bytes memory prefix = "https://";
        if (raw.length <= prefix.length || raw.length > 256) return false;
        for (uint256 i = 0; i < prefix.length; ++i) {
            if (raw[i] != prefix[i]) return false;
        }
        return true;
    }
}
