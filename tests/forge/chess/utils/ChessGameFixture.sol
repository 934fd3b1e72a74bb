// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "../../utils/Test.sol";
import {CalldataAllowlistVerifierDouble} from "../../CalldataAllowlistVerifierDouble.sol";
import {ChessNotation} from "./ChessNotation.sol";
import {Registrations} from "../../utils/Registrations.sol";
import {IModelRegistry} from "../../../../contracts/interfaces/IModelRegistry.sol";
import {ModelRegistry} from "../../../../contracts/ModelRegistry.sol";
import {ChessGame} from "../../../../contracts/chess/ChessGame.sol";
import {ChessEncoding} from "../../../../contracts/chess/ChessEncoding.sol";

/// @notice A registry with the chess model registered against a verifier double that accepts
///         exactly the (model id, inputs, outputs, proof) tuples a test allows, and helpers to
///         play moves through the game.
abstract contract ChessGameFixture is Test {
    bytes32 internal constant COMMITMENT = keccak256("zkinfer/chess-policy/test");
    bytes internal constant PROOF = hex"c4e55c4e55c4e55c4e55";
    uint256 internal constant ROUND = 1 hours;
    uint256 internal constant AI_TIME = 30 minutes;
    uint256 internal constant MIN_STAKE = 0.01 ether;
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA201);
    address internal constant PROVER = address(0x9200F);
    /// @dev The AI side's account: paid the pot when the AI wins.
    address internal constant AI_SIDE = address(0xA15DE);

    ModelRegistry internal registry;
    CalldataAllowlistVerifierDouble internal verifier;
    ChessGame internal game;
    /// @dev The registry id of the chess model.
    bytes32 internal modelId;

    function deployGame(uint8 worldSide) internal {
        registry = new ModelRegistry();
        verifier = new CalldataAllowlistVerifierDouble();
        modelId = registry.registerModel(chessRegistration(COMMITMENT));
        game = new ChessGame(registry, modelId, worldSide, ROUND, AI_TIME, MIN_STAKE, AI_SIDE);
        vm.deal(ALICE, 100 ether);
        vm.deal(BOB, 100 ether);
        vm.deal(CAROL, 100 ether);
    }

    /// @dev The chess model's registration with `commitment`, against the double.
    function chessRegistration(bytes32 commitment) internal view returns (IModelRegistry.ModelRegistration memory) {
        return Registrations.plain(
            commitment, address(verifier), ChessEncoding.INPUT_COUNT, ChessEncoding.OUTPUT_COUNT, 0, 0, PROOF.length
        );
    }

    function move(string memory uci) internal pure returns (uint256) {
        return ChessNotation.uci(uci);
    }

    /// @dev Lets the verifier double accept PROOF for `uci` as the model's choice in the game's
    ///      current position, with inputs as the game itself will build them.
    function allowAiMove(string memory uci) internal {
        int256[] memory outputs = new int256[](1);
        // A move code has 15 bits.
        // forge-lint: disable-next-line(unsafe-typecast)
        outputs[0] = int256(move(uci));
        uint256[] memory instances = registry.publicInputs(modelId, game.modelInputs(), outputs);
        verifier.accept(keccak256(abi.encodePacked(instances, PROOF)));
    }

    /// @dev The World plays `uci`: one vote, then finalization at the deadline.
    function playWorld(string memory uci) internal {
        uint256 round = game.currentRound();
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE}(round, move(uci));
        vm.warp(game.deadline());
        game.finalizeRound(round);
    }

    /// @dev The AI plays `uci` with an accepted proof.
    function playAi(string memory uci) internal {
        allowAiMove(uci);
        vm.prank(PROVER);
        game.submitAiMove(game.ply(), move(uci), PROOF);
    }
}
