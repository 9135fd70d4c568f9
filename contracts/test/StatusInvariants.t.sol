// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {CheatTest, Vm} from "./support/Cheats.sol";
import {IssuerRegistry} from "../src/IssuerRegistry.sol";
import {CredentialRegistry} from "../src/CredentialRegistry.sol";

/// Drives random status changes from several actors and keeps a ghost copy of what each issuer set.
contract StatusHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    CredentialRegistry public immutable credentials;
    address[3] public actors = [address(0x1001), address(0x1002), address(0x1003)];
    uint256 public constant INDICES = 300; // small range so entries collide and words are shared
    mapping(address => mapping(uint256 => uint8)) public ghost;
    mapping(address => mapping(uint256 => bool)) public everRevoked;

    constructor(CredentialRegistry credentials_) {
        credentials = credentials_;
    }

    function setStatus(uint256 actorSeed, uint256 indexSeed, uint8 statusSeed, uint256 secondSeed) external {
        address actor = actors[actorSeed % 3];
        uint256 a = indexSeed % INDICES;
        uint256 b = secondSeed % INDICES;
        uint8 sa = statusSeed % 3;
        uint8 sb = (statusSeed / 3) % 3;
        vm.prank(actor);
        try credentials.setStatuses(abi.encodePacked(uint24(a), sa, uint24(b), sb)) {
            ghost[actor][a] = sa;
            ghost[actor][b] = sb;
            if (sa == 1) everRevoked[actor][a] = true;
            if (sb == 1) everRevoked[actor][b] = true;
        } catch {
            // refused (revoked is final): nothing may have changed, the invariants check that
        }
    }
}

contract StatusInvariantsTest is CheatTest {
    StatusHandler internal handler;
    CredentialRegistry internal credentials;

    function setUp() public {
        IssuerRegistry registry = new IssuerRegistry(address(0x60));
        credentials = CredentialRegistry(registry.credentialRegistry());
        handler = new StatusHandler(credentials);
        targetContract(address(handler));
    }

    /// Every entry on chain is what its own issuer last set, and a revoked entry stays revoked.
    function invariant_listsMatchGhostAndRevokedIsFinal() public view {
        for (uint256 a = 0; a < 3; ++a) {
            address actor = handler.actors(a);
            for (uint256 i = 0; i < 300; ++i) {
                uint8 onChain = credentials.statusOf(actor, i);
                assertEq(onChain, handler.ghost(actor, i), "entry matches what its issuer set");
                if (handler.everRevoked(actor, i)) assertEq(onChain, 1, "revoked is final");
            }
        }
    }
}
