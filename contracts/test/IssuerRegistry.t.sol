// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {CheatTest} from "./support/Cheats.sol";
import {IssuerRegistry} from "../src/IssuerRegistry.sol";
import {CredentialRegistry} from "../src/CredentialRegistry.sol";
import {IIssuerRegistry} from "../src/interfaces/IIssuerRegistry.sol";
import {ICredentialRegistry} from "../src/interfaces/ICredentialRegistry.sol";

contract IssuerRegistryTest is CheatTest {
    IssuerRegistry internal registry;
    CredentialRegistry internal credentials;
    address internal constant GOV = address(0x60);
    address internal constant NGO = address(0x1001);
    address internal constant OTHER = address(0x1002);
    string internal constant ISS = "https://ngo.example";
    bytes32 internal constant KID = keccak256("kid-1");
    bytes internal pubkey;

    event IssuerAccredited(address indexed issuer, string name, string issuerId);
    event IssuerSuspended(address indexed issuer);
    event IssuerReinstated(address indexed issuer);
    event KeyAdded(address indexed issuer, bytes32 indexed kid, bytes publicKey, uint64 validFrom, uint64 validUntil);
    event KeyRetired(address indexed issuer, bytes32 indexed kid, uint64 retiredAt, address indexed by);
    event GovernanceTransferStarted(address indexed current, address indexed pending);
    event GovernanceTransferred(address indexed previous, address indexed next);
    event IssuerActivityChanged(address indexed issuer, bool active);

    function setUp() public {
        vm.warp(1_000_000);
        registry = new IssuerRegistry(GOV);
        credentials = CredentialRegistry(registry.credentialRegistry());
        pubkey = new bytes(64);
        for (uint256 i = 0; i < 64; ++i) pubkey[i] = bytes1(uint8(i + 1));
    }

    function _accredit() internal {
        vm.prank(GOV);
        registry.accreditIssuer(NGO, "Field Office", ISS);
    }

    function _addKey(uint64 validFrom, uint64 validUntil) internal {
        vm.prank(NGO);
        registry.addKey(KID, pubkey, validFrom, validUntil);
    }

    // -- construction and governance -------------------------------------------------------------

    function test_constructorRefusesZeroGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryZeroAddress.selector));
        new IssuerRegistry(address(0));
    }

    function test_deploysItsCredentialRegistry() public view {
        assertEq(credentials.issuerRegistry(), address(registry), "credential registry points back");
        assertEq(registry.governance(), GOV, "governance set");
    }

    function test_governanceTransferIsTwoStep() public {
        vm.expectEmit(true, true, false, true, address(registry));
        emit GovernanceTransferStarted(GOV, OTHER);
        vm.prank(GOV);
        registry.transferGovernance(OTHER);
        assertEq(registry.governance(), GOV, "unchanged until accepted");
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnauthorized.selector, NGO));
        vm.prank(NGO);
        registry.acceptGovernance();
        vm.expectEmit(true, true, false, true, address(registry));
        emit GovernanceTransferred(GOV, OTHER);
        vm.prank(OTHER);
        registry.acceptGovernance();
        assertEq(registry.governance(), OTHER, "handed over");
        assertEq(registry.pendingGovernance(), address(0), "pending cleared");
    }

    function test_onlyGovernanceTransfers() public {
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnauthorized.selector, NGO));
        vm.prank(NGO);
        registry.transferGovernance(NGO);
    }

    function test_transferToZeroRefused() public {
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryZeroAddress.selector));
        vm.prank(GOV);
        registry.transferGovernance(address(0));
    }

    // -- accreditation ---------------------------------------------------------------------------

    function test_accreditEmitsAndActivates() public {
        vm.expectEmit(true, false, false, true, address(credentials));
        emit IssuerActivityChanged(NGO, true);
        vm.expectEmit(true, false, false, true, address(registry));
        emit IssuerAccredited(NGO, "Field Office", ISS);
        _accredit();
        IIssuerRegistry.IssuerRecord memory record = registry.issuer(NGO);
        assertEq(record.name, "Field Office", "name");
        assertEq(record.issuerId, ISS, "issuer id");
        assertEq(record.accreditedAt, 1_000_000, "accredited at");
        assertTrue(record.accredited && !record.suspended, "flags");
        assertTrue(registry.isActiveIssuer(NGO) && credentials.isActive(NGO), "active in both");
        assertEq(registry.issuerByIssuerId(ISS), NGO, "lookup by iss");
    }

    function test_accreditOnlyByGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnauthorized.selector, NGO));
        vm.prank(NGO);
        registry.accreditIssuer(NGO, "Self", ISS);
    }

    function test_accreditRefusals() public {
        vm.startPrank(GOV);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryZeroAddress.selector));
        registry.accreditIssuer(address(0), "x", ISS);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryEmptyName.selector));
        registry.accreditIssuer(NGO, "", ISS);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryInvalidIssuerId.selector, "http://ngo"));
        registry.accreditIssuer(NGO, "x", "http://ngo");
        registry.accreditIssuer(NGO, "x", ISS);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryAlreadyAccredited.selector, NGO));
        registry.accreditIssuer(NGO, "x", "https://other.example");
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryIssuerIdTaken.selector, ISS));
        registry.accreditIssuer(OTHER, "y", ISS);
        vm.stopPrank();
    }

    function test_suspendAndReinstate() public {
        _accredit();
        vm.expectEmit(true, false, false, true, address(registry));
        emit IssuerSuspended(NGO);
        vm.prank(GOV);
        registry.suspendIssuer(NGO);
        assertTrue(!registry.isActiveIssuer(NGO) && !credentials.isActive(NGO), "inactive in both");
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryAlreadySuspended.selector, NGO));
        vm.prank(GOV);
        registry.suspendIssuer(NGO);
        vm.expectEmit(true, false, false, true, address(registry));
        emit IssuerReinstated(NGO);
        vm.prank(GOV);
        registry.reinstateIssuer(NGO);
        assertTrue(registry.isActiveIssuer(NGO) && credentials.isActive(NGO), "active again");
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryNotSuspended.selector, NGO));
        vm.prank(GOV);
        registry.reinstateIssuer(NGO);
    }

    function test_suspendRefusals() public {
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryNotAccredited.selector, NGO));
        vm.prank(GOV);
        registry.suspendIssuer(NGO);
        _accredit();
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnauthorized.selector, OTHER));
        vm.prank(OTHER);
        registry.suspendIssuer(NGO);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnauthorized.selector, OTHER));
        vm.prank(OTHER);
        registry.reinstateIssuer(NGO);
    }

    function test_onlyIssuerRegistrySetsActivity() public {
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryUnauthorized.selector, GOV));
        vm.prank(GOV);
        credentials.setIssuerActive(NGO, true);
    }

    // -- keys ------------------------------------------------------------------------------------

    function test_addKeyEmitsAndStores() public {
        _accredit();
        vm.expectEmit(true, true, false, true, address(registry));
        emit KeyAdded(NGO, KID, pubkey, 100, 0);
        _addKey(100, 0);
        IIssuerRegistry.SigningKey memory key = registry.signingKey(NGO, KID);
        assertEq(key.publicKey, pubkey, "public key");
        assertEq(key.validFrom, 100, "valid from");
    }

    function test_addKeyRefusals() public {
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryNotAccredited.selector, NGO));
        _addKey(0, 0);
        _accredit();
        vm.startPrank(NGO);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryInvalidKey.selector, bytes32(0)));
        registry.addKey(bytes32(0), pubkey, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryInvalidKey.selector, KID));
        registry.addKey(KID, new bytes(33), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryInvalidValidity.selector, 10, 10));
        registry.addKey(KID, pubkey, 10, 10);
        registry.addKey(KID, pubkey, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryKeyExists.selector, NGO, KID));
        registry.addKey(KID, pubkey, 0, 0);
        vm.stopPrank();
        vm.prank(GOV);
        registry.suspendIssuer(NGO);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryIssuerSuspended.selector, NGO));
        vm.prank(NGO);
        registry.addKey(keccak256("kid-2"), pubkey, 0, 0);
    }

    function test_issuerRetiresOwnKeyNotInThePast() public {
        _accredit();
        _addKey(0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryRetirementInPast.selector, 999_999, 1_000_000)
        );
        vm.prank(NGO);
        registry.retireKey(KID, 999_999);
        vm.expectEmit(true, true, true, true, address(registry));
        emit KeyRetired(NGO, KID, 1_000_500, NGO);
        vm.prank(NGO);
        registry.retireKey(KID, 1_000_500);
        assertTrue(registry.isKeyValidAt(NGO, KID, 1_000_499), "valid before retirement");
        assertTrue(!registry.isKeyValidAt(NGO, KID, 1_000_500), "invalid from retirement on");
        vm.expectRevert(
            abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryKeyAlreadyRetired.selector, NGO, KID, 1_000_500)
        );
        vm.prank(NGO);
        registry.retireKey(KID, 0);
    }

    function test_retireUnknownKeyRefused() public {
        _accredit();
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnknownKey.selector, NGO, KID));
        vm.prank(NGO);
        registry.retireKey(KID, 0);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnknownKey.selector, NGO, KID));
        vm.prank(GOV);
        registry.retireIssuerKey(NGO, KID, 0);
    }

    function test_governanceRetiresRetroactivelyAndOnlyEarlier() public {
        _accredit();
        _addKey(0, 0);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnauthorized.selector, NGO));
        vm.prank(NGO);
        registry.retireIssuerKey(NGO, KID, 5);
        vm.expectEmit(true, true, true, true, address(registry));
        emit KeyRetired(NGO, KID, 500_000, GOV);
        vm.prank(GOV);
        registry.retireIssuerKey(NGO, KID, 500_000);
        assertTrue(!registry.isKeyValidAt(NGO, KID, 600_000), "retired in the past");
        vm.expectRevert(
            abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryKeyAlreadyRetired.selector, NGO, KID, 500_000)
        );
        vm.prank(GOV);
        registry.retireIssuerKey(NGO, KID, 600_000);
        vm.prank(GOV);
        registry.retireIssuerKey(NGO, KID, 400_000);
        assertEq(registry.signingKey(NGO, KID).retiredAt, 400_000, "moved earlier");
    }

    /// Key validity over time matches its window and retirement for any instant.
    function testFuzz_keyValidityWindow(uint64 validFrom, uint64 span, uint64 retireAfter, uint64 t) public {
        vm.assume(validFrom < type(uint64).max / 4 && span > 0 && span < type(uint64).max / 4);
        vm.assume(retireAfter < type(uint64).max / 4);
        uint64 validUntil = validFrom + span;
        uint64 retiredAt = validFrom + retireAfter + 1;
        _accredit();
        _addKey(validFrom, validUntil);
        vm.prank(GOV);
        registry.retireIssuerKey(NGO, KID, retiredAt);
        bool expected = t >= validFrom && t < validUntil && t < retiredAt;
        assertTrue(registry.isKeyValidAt(NGO, KID, t) == expected, "validity matches window");
        assertTrue(!registry.isKeyValidAt(OTHER, KID, t), "unknown issuer never valid");
    }

    function testFuzz_onlyGovernanceAccredits(address caller) public {
        vm.assume(caller != GOV);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistryUnauthorized.selector, caller));
        vm.prank(caller);
        registry.accreditIssuer(NGO, "x", ISS);
    }
}
