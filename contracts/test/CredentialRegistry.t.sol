// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {CheatTest} from "./support/Cheats.sol";
import {IssuerRegistry} from "../src/IssuerRegistry.sol";
import {CredentialRegistry} from "../src/CredentialRegistry.sol";
import {ICredentialRegistry} from "../src/interfaces/ICredentialRegistry.sol";

contract CredentialRegistryTest is CheatTest {
    IssuerRegistry internal registry;
    CredentialRegistry internal credentials;
    address internal constant GOV = address(0x60);
    address internal constant NGO = address(0x1001);
    address internal constant OTHER = address(0x1002);
    bytes32 internal constant ROOT = keccak256("root");

    event BatchAnchored(address indexed issuer, bytes32 indexed root, uint32 count, uint64 anchoredAt);
    event StatusWordChanged(address indexed issuer, uint256 indexed wordIndex, uint256 word);

    function setUp() public {
        vm.warp(2_000_000);
        registry = new IssuerRegistry(GOV);
        credentials = CredentialRegistry(registry.credentialRegistry());
        vm.prank(GOV);
        registry.accreditIssuer(NGO, "Field Office", "https://ngo.example");
    }

    function _one(uint256 index, uint8 status) internal pure returns (bytes memory) {
        return abi.encodePacked(uint24(index), status);
    }

    // -- anchoring -------------------------------------------------------------------------------

    function test_anchorStoresAndEmits() public {
        vm.expectEmit(true, true, false, true, address(credentials));
        emit BatchAnchored(NGO, ROOT, 1000, 2_000_000);
        vm.prank(NGO);
        credentials.anchorBatch(ROOT, 1000);
        ICredentialRegistry.Batch memory b = credentials.batch(ROOT);
        assertEq(b.issuer, NGO, "issuer");
        assertEq(b.anchoredAt, 2_000_000, "block time");
        assertEq(b.count, 1000, "count");
    }

    function test_anchorRefusals() public {
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryIssuerNotActive.selector, OTHER));
        vm.prank(OTHER);
        credentials.anchorBatch(ROOT, 1);
        vm.startPrank(NGO);
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryInvalidRoot.selector));
        credentials.anchorBatch(bytes32(0), 1);
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryEmptyBatch.selector));
        credentials.anchorBatch(ROOT, 0);
        credentials.anchorBatch(ROOT, 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryRootAlreadyAnchored.selector, ROOT)
        );
        credentials.anchorBatch(ROOT, 5);
        vm.stopPrank();
    }

    function test_sameRootByAnotherIssuerRefused() public {
        vm.prank(GOV);
        registry.accreditIssuer(OTHER, "Other", "https://other.example");
        vm.prank(NGO);
        credentials.anchorBatch(ROOT, 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryRootAlreadyAnchored.selector, ROOT)
        );
        vm.prank(OTHER);
        credentials.anchorBatch(ROOT, 1);
    }

    function test_suspendedIssuerCannotAnchorUntilReinstated() public {
        vm.prank(GOV);
        registry.suspendIssuer(NGO);
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryIssuerNotActive.selector, NGO));
        vm.prank(NGO);
        credentials.anchorBatch(ROOT, 1);
        vm.prank(GOV);
        registry.reinstateIssuer(NGO);
        vm.prank(NGO);
        credentials.anchorBatch(ROOT, 1);
    }

    // -- statuses --------------------------------------------------------------------------------

    function test_statusesInOneWordEmitOneEvent() public {
        uint256 expected = (uint256(1) << 10) | (uint256(2) << 12);
        vm.expectEmit(true, true, false, true, address(credentials));
        emit StatusWordChanged(NGO, 0, expected);
        vm.prank(NGO);
        credentials.setStatuses(abi.encodePacked(uint24(5), uint8(1), uint24(6), uint8(2)));
        assertEq(credentials.statusWord(NGO, 0), expected, "word");
        assertEq(credentials.statusOf(NGO, 5), 1, "revoked");
        assertEq(credentials.statusOf(NGO, 6), 2, "suspended");
        assertEq(credentials.statusOf(OTHER, 5), 0, "another issuer's list untouched");
    }

    function test_statusRefusals() public {
        vm.startPrank(NGO);
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryMalformedUpdate.selector, 0));
        credentials.setStatuses("");
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryMalformedUpdate.selector, 3));
        credentials.setStatuses(hex"000001");
        vm.expectRevert(
            abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryIndexOutOfRange.selector, 1 << 20)
        );
        credentials.setStatuses(_one(1 << 20, 1));
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryInvalidStatus.selector, 9, 3));
        credentials.setStatuses(_one(9, 3));
        credentials.setStatuses(_one(9, 1));
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryRevokedIsFinal.selector, 9));
        credentials.setStatuses(_one(9, 0));
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryRevokedIsFinal.selector, 9));
        credentials.setStatuses(_one(9, 2));
        credentials.setStatuses(_one(9, 1)); // revoked again: a no-op, allowed
        vm.stopPrank();
        assertEq(credentials.statusOf(NGO, 9), 1, "still revoked");
    }

    function test_suspensionCanBeLifted() public {
        vm.startPrank(NGO);
        credentials.setStatuses(_one(300, 2));
        credentials.setStatuses(_one(300, 0));
        vm.stopPrank();
        assertEq(credentials.statusOf(NGO, 300), 0, "valid again");
        assertEq(credentials.statusWord(NGO, 2), 0, "word cleared");
    }

    function test_statusWordsRange() public {
        vm.prank(NGO);
        credentials.setStatuses(abi.encodePacked(uint24(0), uint8(1), uint24(129), uint8(2), uint24(1000), uint8(1)));
        uint256[] memory words = credentials.statusWords(NGO, 0, 8);
        assertEq(words.length, 8, "length");
        assertEq(words[0], 1, "word 0");
        assertEq(words[1], uint256(2) << 2, "word 1");
        assertEq(words[7], uint256(1) << (2 * (1000 - 896)), "word 7");
        uint256[] memory tail = credentials.statusWords(NGO, 8190, 100);
        assertEq(tail.length, 2, "clamped at the end of the list");
        vm.expectRevert(
            abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryIndexOutOfRange.selector, 8192 * 128)
        );
        credentials.statusWords(NGO, 8192, 1);
    }

    /// Any single status write reads back exactly, and touches no other entry.
    function testFuzz_statusRoundTrip(uint24 rawIndex, uint8 rawStatus, uint24 rawOther) public {
        uint256 index = uint256(rawIndex) % (1 << 20);
        uint256 other = uint256(rawOther) % (1 << 20);
        uint8 status = rawStatus % 3;
        vm.assume(index != other);
        vm.prank(NGO);
        credentials.setStatuses(_one(index, status));
        assertEq(credentials.statusOf(NGO, index), status, "round trip");
        assertEq(credentials.statusOf(NGO, other), 0, "neighbour untouched");
    }

    function testFuzz_nobodyElseChangesAnIssuersList(address caller, uint24 rawIndex) public {
        vm.assume(caller != NGO);
        uint256 index = uint256(rawIndex) % (1 << 20);
        vm.prank(caller);
        credentials.setStatuses(_one(index, 1));
        assertEq(credentials.statusOf(NGO, index), 0, "the issuer's list is its own");
    }
}
