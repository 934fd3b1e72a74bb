// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "../utils/Test.sol";
import {Registrations} from "../utils/Registrations.sol";
import {ProofFixture, ProofFixtures} from "../utils/ProofFixtures.sol";
import {ChessNotation} from "./utils/ChessNotation.sol";
import {ModelRegistry} from "../../../contracts/ModelRegistry.sol";
import {ChessGame} from "../../../contracts/chess/ChessGame.sol";
import {ChessBoard} from "../../../contracts/chess/ChessBoard.sol";
import {ChessEncoding} from "../../../contracts/chess/ChessEncoding.sol";
import {IChessGameErrors} from "../../../contracts/chess/interfaces/IChessGameErrors.sol";
import {GamePhase} from "../../../contracts/chess/interfaces/IChessGameEvents.sol";

/// @notice End to end: the AI's first move (White, initial position) played through `ChessGame`
///         with a real proof of `models/chess/policy.onnx` from the zkinfer prover, checked by
///         `ModelRegistry.verifyInference` with the verifier snark-verifier generated for the
///         chess circuit.
/// @dev Inputs, produced by scripts/regen-fixtures.sh:
///      - `fixtures/chess/policy-proof.json`: modelId, inputs (the 290 values of
///        `models/chess/input.json`), outputs ([move code]), proof, instances, scales;
///      - `contracts/generated/PolicyVerifier.sol`, contract `PolicyVerifier`, deployed from its
///        artifact (not imported) so that this test and the game stay in the optimized profile.
///      The World plays Black (side 1), so the AI is to move at ply 0, the position of the proof.
contract ChessAiMoveProofTest is Test {
    string internal constant FIXTURE = "/fixtures/chess/policy-proof.json";
    string internal constant VERIFIER_ARTIFACT = "PolicyVerifier.sol:PolicyVerifier";
    uint8 internal constant WORLD_BLACK = 1;
    address internal constant AI_SIDE = address(0xA15DE);
    uint256 internal constant ROUND = 1 hours;
    uint256 internal constant AI_TIME = 30 minutes;
    uint256 internal constant MIN_STAKE = 0.01 ether;
    address internal constant ALICE = address(0xA11CE);

    ModelRegistry internal registry;
    address internal verifier;
    ChessGame internal game;

    bytes32 internal commitment;
    /// @dev The registry id of the fixture's model.
    bytes32 internal modelId;
    int256[] internal inputs;
    int256[] internal outputs;
    bytes internal proof;
    uint8 internal inputScale;
    uint8 internal outputScale;
    uint256 internal aiMove;

    function setUp() public {
        vm.warp(1_000_000);
        ProofFixture memory f = ProofFixtures.read(FIXTURE);
        (commitment, inputs, outputs, proof) = (f.commitment, f.inputs, f.outputs, f.proof);
        (inputScale, outputScale) = (f.inputScale, f.outputScale);
        require(outputs.length == 1 && outputs[0] > 0, "fixture: one positive move code expected");
        aiMove = uint256(outputs[0]);

        registry = new ModelRegistry();
        verifier = deployArtifact(VERIFIER_ARTIFACT);
        modelId = register(commitment);
        game = new ChessGame(registry, modelId, WORLD_BLACK, ROUND, AI_TIME, MIN_STAKE, AI_SIDE);
        vm.deal(ALICE, 100 ether);
    }

    // ---------------------------------------------------------------- helpers

    function register(bytes32 commitment_) internal returns (bytes32) {
        return registry.registerModel(
            Registrations.plain(
                commitment_,
                verifier,
                ChessEncoding.INPUT_COUNT,
                ChessEncoding.OUTPUT_COUNT,
                inputScale,
                outputScale,
                proof.length
            )
        );
    }

    function uci(string memory text) internal pure returns (uint256) {
        return ChessNotation.uci(text);
    }

    /// @dev Intrinsic gas of the calldata of a `submitAiMove` transaction (EIP-2028: 16 per
    ///      non-zero byte, 4 per zero byte), to add to the execution gas and 21,000.
    function calldataGas(bytes memory data) internal pure returns (uint256 total) {
        for (uint256 i = 0; i < data.length; ++i) {
            total += data[i] == 0 ? 4 : 16;
        }
    }

    // ---------------------------------------------------------------- tests

    /// @dev forge's test EVM does not enforce EIP-170, so check the mainnet limit here.
    function test_VerifierHasCodeWithinSizeLimit() public {
        assertTrue(verifier.code.length > 0, "verifier has no code");
        assertTrue(verifier.code.length <= 24_576, "verifier exceeds the EIP-170 code size limit");
        emit log_named_uint("verifier runtime bytes", verifier.code.length);
    }

    function test_AiIsToMoveAtTheStartPosition() public view {
        assertEq(uint256(game.phase()), uint256(GamePhase.AiToMove), "phase");
        assertEq(game.ply(), 0, "ply");
        (uint256 board, uint256 state) = game.position();
        assertEq(board, ChessBoard.START_BOARD, "board");
        assertEq(state, ChessBoard.START_STATE, "state");
    }

    function test_GameInputsEqualFixtureInputs() public view {
        int256[] memory fromGame = game.modelInputs();
        assertEq(fromGame.length, ChessEncoding.INPUT_COUNT, "input count");
        assertEq(inputs.length, ChessEncoding.INPUT_COUNT, "fixture input count");
        for (uint256 i = 0; i < fromGame.length; ++i) {
            assertEq(fromGame[i], inputs[i], string.concat("input ", vm.toString(i)));
        }
        assertTrue(ChessNotation.contains(game.legalMoves(), aiMove), "proven move is not legal");
    }

    function test_RealProofVerifiesThroughRegistry() public view {
        assertTrue(registry.verifyInference(modelId, inputs, outputs, proof), "genuine proof rejected");
    }

    /// @dev One AI move with the real verifier: storage prepared in setUp, so it is cold here as
    ///      in a real transaction. Excludes the 21,000 base cost and calldata (logged separately).
    function test_AiMoveWithRealProof() public {
        bytes memory proofBytes = proof;
        uint256 expectedMove = aiMove;
        (uint256 boardBefore, uint256 stateBefore) = game.position();

        uint256 before = gasleft();
        game.submitAiMove(0, expectedMove, proofBytes);
        uint256 used = before - gasleft();

        emit log_named_uint("submitAiMove gas, real proof and verifier (execution only)", used);
        emit log_named_uint("proof bytes", proofBytes.length);
        uint256 dataGas = calldataGas(abi.encodeCall(ChessGame.submitAiMove, (0, expectedMove, proofBytes)));
        emit log_named_uint("calldata gas of the transaction", dataGas);
        emit log_named_uint("transaction total (21,000 + calldata + execution)", 21_000 + dataGas + used);
        vm.snapshotValue("chess", "submitAiMove gas, real proof and verifier (execution only)", used);
        vm.snapshotValue(
            "chess", "submitAiMove transaction, real proof (21,000 + calldata + execution)", 21_000 + dataGas + used
        );
        assertTrue(used < 1_000_000, "AI move above 1,000,000 gas");

        (uint256 expectedBoard, uint256 expectedState) = ChessBoard.makeMove(boardBefore, stateBefore, expectedMove);
        (uint256 board, uint256 state) = game.position();
        assertEq(board, expectedBoard, "board after the AI's move");
        assertEq(state, expectedState, "state after the AI's move");
        assertEq(game.ply(), 1, "ply");
        assertEq(uint256(game.phase()), uint256(GamePhase.WorldToMove), "phase");
        assertEq(game.currentRound(), 1, "the World's first round");
    }

    /// @dev The verification part of the AI move: the registry call (instance packing plus the
    ///      verifier) and the verifier alone on the packed instances and proof.
    function test_Gas_VerificationBreakdown() public {
        (int256[] memory ins, int256[] memory outs, bytes memory proofBytes) = (inputs, outputs, proof);
        uint256 before = gasleft();
        bool ok = registry.verifyInference(modelId, ins, outs, proofBytes);
        uint256 used = before - gasleft();
        emit log_named_uint("registry.verifyInference gas, real verifier", used);
        vm.snapshotValue("chess", "registry.verifyInference gas, real verifier", used);
        assertTrue(ok, "genuine proof rejected");

        bytes memory callData = abi.encodePacked(registry.publicInputs(modelId, ins, outs), proofBytes);
        address target = verifier;
        before = gasleft();
        (bool success,) = target.staticcall(callData);
        used = before - gasleft();
        emit log_named_uint("verifier call alone (45 instances + proof)", used);
        vm.snapshotValue("chess", "verifier call alone (45 instances + proof)", used);
        assertTrue(success, "verifier rejected the genuine proof");
    }

    function test_RevertWhen_ProofByteIsFlipped() public {
        uint256[3] memory positions = [uint256(0), proof.length / 2, proof.length - 1];
        for (uint256 i = 0; i < positions.length; ++i) {
            bytes memory tampered = bytes.concat(proof);
            tampered[positions[i]] ^= 0x01;
            vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, modelId, aiMove));
            game.submitAiMove(0, aiMove, tampered);
        }
        assertEq(game.ply(), 0, "nothing played");
    }

    function test_RevertWhen_AnotherLegalMoveIsClaimed() public {
        uint256[] memory moves = game.legalMoves();
        assertEq(moves.length, 20, "legal moves");
        for (uint256 i = 0; i < moves.length; ++i) {
            if (moves[i] == aiMove) continue;
            vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, modelId, moves[i]));
            game.submitAiMove(0, moves[i], proof);
        }
        assertEq(game.ply(), 0, "nothing played");
    }

    function test_RevertWhen_PlyIsStale() public {
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.StaleBoard.selector, 1, 0));
        game.submitAiMove(1, aiMove, proof);

        // Played once, the proof cannot be replayed at the AI's next turn.
        game.submitAiMove(0, aiMove, proof);
        uint256 round = game.currentRound();
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE}(round, uci("e7e5"));
        vm.warp(game.deadline());
        game.finalizeRound(round);
        assertEq(game.ply(), 2, "AI to move again");

        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.StaleBoard.selector, 0, 2));
        game.submitAiMove(0, aiMove, proof);
        // A move legal at ply 2 too: the inputs (board, ply, legal moves) differ from the proof's.
        uint256 again = ChessNotation.contains(game.legalMoves(), aiMove) ? aiMove : game.legalMoves()[0];
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, modelId, again));
        game.submitAiMove(2, again, proof);
        assertEq(game.ply(), 2, "nothing played");
    }

    function test_RevertWhen_ProofIsForAnotherModelId() public {
        // The genuine verifier registered under another id: the id is part of the public inputs.
        bytes32 otherId = register(keccak256(abi.encode(commitment)));
        ChessGame otherGame = new ChessGame(registry, otherId, WORLD_BLACK, ROUND, AI_TIME, MIN_STAKE, AI_SIDE);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, otherId, aiMove));
        otherGame.submitAiMove(0, aiMove, proof);
        assertEq(otherGame.ply(), 0, "nothing played");
    }
}
