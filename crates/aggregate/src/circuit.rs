use halo2_base::gates::circuit::builder::BaseCircuitBuilder;
use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::gates::flex_gate::MultiPhaseThreadBreakPoints;
use halo2_base::gates::GateChip;
use halo2_base::halo2_proofs::halo2curves::bn256::{Bn256, Fq, Fr, G1Affine};
use halo2_base::halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2_base::poseidon::hasher::spec::OptimizedPoseidonSpec;
use halo2_base::poseidon::hasher::PoseidonHasher;
use halo2_base::{AssignedValue, Context};
use serde::{Deserialize, Serialize};
use snark_verifier_sdk::halo2::aggregation::{
    AggregationCircuit, AggregationConfigParams, VerifierUniversality,
};
use snark_verifier_sdk::snark_verifier::util::arithmetic::fe_to_limbs;
use snark_verifier_sdk::snark_verifier::verifier::plonk::PlonkProtocol;
use snark_verifier_sdk::{Snark, BITS, LIMBS, SHPLONK};

/// Number of public values holding the KZG accumulator at the start of every aggregation
/// proof (two G1 points, 3 limbs of 88 bits per coordinate).
pub const ACCUMULATOR_WORDS: usize = 4 * LIMBS;

/// Number of public values of an inference proof holding its model id (`idHi, idLo`). A leaf
/// aggregation leaves them out of its own public values: the member circuit loads the id as a
/// constant (a fixed cell copy-constrained to the instance), so the member's circuit digest,
/// which hashes its fixed and permutation commitments, already binds the id.
pub(crate) const MODEL_ID_WORDS: usize = 2;

/// What an aggregation circuit verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Inference proofs. Their verifying keys are witnesses (one circuit for every model of
    /// the same circuit configuration), so each member's circuit digest is made public.
    Leaf,
    /// Aggregation proofs of one fixed aggregation circuit (a tree level above the leaves).
    /// Their verifying key is a constant; their public values minus the accumulator are
    /// passed through unchanged.
    Node,
}

/// Two public values of different member proofs that the aggregation circuit constrains
/// equal: `[member, index among that member's public values]` each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The first value (a segment's output hash).
    pub from: [usize; 2],
    /// The value it must equal (the next segment's input hash).
    pub to: [usize; 2],
}

/// Poseidon (t=3, rate 2, 8 full and 57 partial rounds) as the snark-verifier transcript uses it.
fn hasher(ctx: &mut Context<Fr>, gate: &GateChip<Fr>) -> PoseidonHasher<Fr, 3, 2> {
    let mut hasher = PoseidonHasher::new(OptimizedPoseidonSpec::new::<8, 57, 0>());
    hasher.initialize_consts(ctx, gate);
    hasher
}

/// The values a member's circuit digest hashes, in the order the aggregation circuit loads
/// them: every preprocessed commitment (fixed columns, selectors, permutation) as x and y in
/// three 88-bit limbs each, the transcript's initial state (a hash of the whole verifying key,
/// gates included), and log2 of the circuit's rows.
fn digest_inputs(protocol: &PlonkProtocol<G1Affine>) -> Vec<Fr> {
    let mut inputs: Vec<Fr> = protocol
        .preprocessed
        .iter()
        .flat_map(|p| [p.x, p.y])
        .flat_map(fe_to_limbs::<Fq, Fr, LIMBS, BITS>)
        .collect();
    inputs.extend(protocol.transcript_initial_state);
    inputs.push(Fr::from(u64::from(protocol.domain.k as u32)));
    inputs
}

/// The circuit digest of a member circuit: the Poseidon hash of its verifying key, as the
/// leaf aggregation circuit computes and exposes it. The registry stores it per model for
/// aggregated verification.
pub fn circuit_digest(protocol: &PlonkProtocol<G1Affine>) -> Fr {
    let mut builder = BaseCircuitBuilder::<Fr>::new(false);
    let gate = GateChip::default();
    let ctx = builder.main(0);
    let cells = ctx.assign_witnesses(digest_inputs(protocol));
    let hasher = hasher(ctx, &gate);
    *hasher.hash_fix_len_array(ctx, &gate, &cells).value()
}

/// Number of public values of the aggregation circuit of `snarks` at `level`, as [`build`] sets
/// them. Saved keys whose count differs were made for another layout and are not reused.
pub(crate) fn public_value_count(snarks: &[Snark], level: Level) -> usize {
    let member = |s: &Snark| {
        let own: usize = s.instances.iter().map(Vec::len).sum();
        match level {
            Level::Leaf => 1 + own.saturating_sub(MODEL_ID_WORDS),
            Level::Node => own.saturating_sub(ACCUMULATOR_WORDS),
        }
    };
    ACCUMULATOR_WORDS + snarks.iter().map(member).sum::<usize>()
}

/// Builds the aggregation circuit of `snarks` at `level` and sets its public values:
/// the accumulator, then per member (leaf) its circuit digest and public values without the
/// model id ([`MODEL_ID_WORDS`]), or (node) the member's public values without its
/// accumulator. Each link (leaf only) is a copy constraint between two members' public values
/// (indices among the member proof's own public values, model id included).
pub(crate) fn build(
    stage: CircuitBuilderStage,
    config: AggregationConfigParams,
    params: &ParamsKZG<Bn256>,
    snarks: Vec<Snark>,
    level: Level,
    links: &[Link],
    break_points: Option<MultiPhaseThreadBreakPoints>,
) -> AggregationCircuit {
    let universality = match level {
        Level::Leaf => VerifierUniversality::PreprocessedAsWitness,
        Level::Node => VerifierUniversality::None,
    };
    let mut circuit = AggregationCircuit::new::<SHPLONK>(stage, config, params, snarks, universality);
    match level {
        Level::Node => circuit.expose_previous_instances(true),
        Level::Leaf => {
            let preprocessed = circuit.preprocessed().clone();
            let previous = circuit.previous_instances().clone();
            let gate = GateChip::default();
            let ctx = circuit.builder.main(0);
            let hasher = hasher(ctx, &gate);
            for link in links {
                let (a, b) = (previous[link.from[0]][link.from[1]], previous[link.to[0]][link.to[1]]);
                ctx.constrain_equal(&a, &b);
            }
            let mut public: Vec<AssignedValue<Fr>> = Vec::new();
            for (pre, prev) in preprocessed.iter().zip(previous) {
                let mut inputs = pre.preprocessed.clone();
                inputs.push(pre.k);
                public.push(hasher.hash_fix_len_array(ctx, &gate, &inputs));
                public.extend(prev.into_iter().skip(MODEL_ID_WORDS));
            }
            circuit.builder.assigned_instances[0].extend(public);
        }
    }
    if let Some(bp) = break_points {
        circuit.set_break_points(bp);
    }
    circuit
}
