//! The quotient numerator (gates, permutation and lookup arguments combined with powers of
//! `y`) as a small stack program, so that one verifier evaluates every circuit's constraints.

use std::rc::Rc;

use halo2_base::halo2_proofs::halo2curves::bn256::{Fr, G1Affine};
use halo2_base::halo2_proofs::halo2curves::ff::Field;
use snark_verifier_sdk::snark_verifier::verifier::plonk::PlonkProtocol;

use crate::{Error, Result};

/// Operation codes; each operation is three bytes: the code and a big-endian 16-bit index
/// into the value table (`evals, challenges, z, constants, Lagrange values`). The top of the
/// stack lives in a register of the interpreter.
pub mod op {
    /// Push `table[arg]`.
    pub const LOAD: u8 = 0;
    /// `top += table[arg]`.
    pub const ADDV: u8 = 1;
    /// `top -= table[arg]`.
    pub const SUBV: u8 = 2;
    /// `top *= table[arg]`.
    pub const MULV: u8 = 3;
    /// `top = -top`.
    pub const NEG: u8 = 4;
    /// Pop one, `top += popped`.
    pub const ADD: u8 = 5;
    /// Pop one, `top *= popped`.
    pub const MUL: u8 = 6;
}

/// A compiled numerator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    /// Three bytes per operation.
    pub code: Vec<u8>,
    /// Constants of the value table.
    pub consts: Vec<Fr>,
    /// Rows `i` whose Lagrange basis polynomial `L_i` is evaluated at `z`.
    pub lagranges: Vec<i32>,
    /// Largest stack depth reached.
    pub max_stack: usize,
    /// Evaluation slots and challenges at the start of the value table.
    pub num_slots: usize,
    /// Challenges after the slots.
    pub num_challenges: usize,
}

/// What the stack program reads besides its constants.
#[derive(Debug)]
pub struct Inputs<'a> {
    /// Evaluation slots (see `VkData`).
    pub evals: &'a [Fr],
    /// Challenges in transcript order.
    pub challenges: &'a [Fr],
    /// `L_i(z)` for each of [`Program::lagranges`].
    pub lagranges: &'a [Fr],
    /// The opening point.
    pub z: Fr,
}

#[derive(Clone, Copy, Debug)]
enum Operand {
    Const(usize),
    Eval(usize),
    Challenge(usize),
    Lagrange(usize),
    Z,
}

#[derive(Debug)]
enum Node {
    Const(Fr),
    Eval(usize),
    Challenge(usize),
    Lagrange(i32),
    Identity,
    Neg(Rc<Node>),
    Add(Rc<Node>, Rc<Node>),
    Mul(Rc<Node>, Rc<Node>),
    Scale(Rc<Node>, Fr),
}

type Built = std::result::Result<Rc<Node>, String>;

/// Compiles the protocol's quotient numerator; `slot` maps a query (polynomial, rotation) to
/// its evaluation slot.
pub(crate) fn compile_expression(
    protocol: &PlonkProtocol<G1Affine>,
    slot: &dyn Fn(usize, i32) -> Result<usize>,
    num_slots: usize,
    num_challenges: usize,
) -> Result<Program> {
    let tree = build(protocol, slot).map_err(Error::Unsupported)?;
    let mut program = Program { num_slots, num_challenges, ..Program::default() };
    let mut ops = Vec::new();
    let mut depth = 0;
    emit(&tree, &mut program, &mut ops, &mut depth);
    let consts_at = num_slots + num_challenges + 1;
    let lagranges_at = consts_at + program.consts.len();
    for (code, operand) in ops {
        let index = match operand {
            Operand::Eval(s) => s,
            Operand::Challenge(i) => num_slots + i,
            Operand::Z => num_slots + num_challenges,
            Operand::Const(i) => consts_at + i,
            Operand::Lagrange(i) => lagranges_at + i,
        };
        let index = u16::try_from(index)
            .map_err(|_| Error::Unsupported("a value table over 65,536 entries".into()))?;
        program.code.push(code);
        program.code.extend_from_slice(&index.to_be_bytes());
    }
    Ok(program)
}

/// snark-verifier's `Expression` type is not exported by name: walk it through `evaluate`.
fn build(protocol: &PlonkProtocol<G1Affine>, slot: &dyn Fn(usize, i32) -> Result<usize>) -> Built {
    protocol.quotient.numerator.evaluate(
        &|c| Ok(Rc::new(Node::Const(c))),
        &|common| {
            // `CommonPolynomial` is not exported by name either: read its debug form.
            let text = format!("{common:?}");
            if text == "Identity" {
                return Ok(Rc::new(Node::Identity));
            }
            let i = text
                .strip_prefix("Lagrange(")
                .and_then(|t| t.strip_suffix(')'))
                .and_then(|t| t.parse::<i32>().ok())
                .ok_or_else(|| format!("unknown common polynomial {text}"))?;
            Ok(Rc::new(Node::Lagrange(i)))
        },
        &|q| slot(q.poly, q.rotation.0).map(|s| Rc::new(Node::Eval(s))).map_err(|e| e.to_string()),
        &|i| Ok(Rc::new(Node::Challenge(i))),
        &|a| Ok(Rc::new(Node::Neg(a?))),
        &|a, b| Ok(Rc::new(Node::Add(a?, b?))),
        &|a, b| Ok(Rc::new(Node::Mul(a?, b?))),
        &|a, c| Ok(Rc::new(Node::Scale(a?, c))),
    )
}

fn constant(program: &mut Program, c: Fr) -> Operand {
    let i = program.consts.iter().position(|x| *x == c).unwrap_or_else(|| {
        program.consts.push(c);
        program.consts.len() - 1
    });
    Operand::Const(i)
}

/// The operand of a leaf node, registering constants and Lagrange rows.
fn leaf(node: &Node, program: &mut Program) -> Option<Operand> {
    Some(match node {
        Node::Const(c) => constant(program, *c),
        Node::Eval(s) => Operand::Eval(*s),
        Node::Challenge(i) => Operand::Challenge(*i),
        Node::Identity => Operand::Z,
        Node::Lagrange(row) => {
            let i = program.lagranges.iter().position(|r| r == row).unwrap_or_else(|| {
                program.lagranges.push(*row);
                program.lagranges.len() - 1
            });
            Operand::Lagrange(i)
        }
        _ => return None,
    })
}

fn is_leaf(node: &Node) -> bool {
    matches!(node, Node::Const(_) | Node::Eval(_) | Node::Challenge(_) | Node::Identity | Node::Lagrange(_))
}

/// Post-order emission; a leaf operand of `+`, `-` or `*` is fused into the operation.
fn emit(node: &Node, program: &mut Program, ops: &mut Vec<(u8, Operand)>, depth: &mut usize) {
    if let Some(operand) = leaf(node, program) {
        ops.push((op::LOAD, operand));
        *depth += 1;
        program.max_stack = program.max_stack.max(*depth);
        return;
    }
    let mut fused =
        |first: &Node, code: u8, operand: &Node, program: &mut Program, ops: &mut Vec<(u8, Operand)>| {
            emit(first, program, ops, depth);
            let operand = leaf(operand, program).unwrap_or(Operand::Z);
            ops.push((code, operand));
        };
    match node {
        Node::Neg(a) => {
            emit(a, program, ops, depth);
            ops.push((op::NEG, Operand::Z));
        }
        Node::Add(a, b) if is_leaf(b) => fused(a, op::ADDV, b, program, ops),
        Node::Add(a, b) if is_leaf(a) => fused(b, op::ADDV, a, program, ops),
        Node::Add(a, b) if matches!(b.as_ref(), Node::Neg(x) if is_leaf(x)) => {
            let Node::Neg(x) = b.as_ref() else { return };
            fused(a, op::SUBV, x, program, ops)
        }
        Node::Mul(a, b) if is_leaf(b) => fused(a, op::MULV, b, program, ops),
        Node::Mul(a, b) if is_leaf(a) => fused(b, op::MULV, a, program, ops),
        Node::Add(a, b) | Node::Mul(a, b) => {
            emit(a, program, ops, depth);
            emit(b, program, ops, depth);
            ops.push((if matches!(node, Node::Add(..)) { op::ADD } else { op::MUL }, Operand::Z));
            *depth -= 1;
        }
        Node::Scale(a, c) => {
            emit(a, program, ops, depth);
            let operand = constant(program, *c);
            ops.push((op::MULV, operand));
        }
        _ => {}
    }
}

impl Program {
    /// Runs the program (the reference for the Solidity interpreter).
    pub fn run(&self, inputs: &Inputs<'_>) -> Result<Fr> {
        let bad = |what: String| Error::Unsupported(format!("numerator program: {what}"));
        if inputs.evals.len() != self.num_slots || inputs.challenges.len() != self.num_challenges {
            return Err(bad("inputs of the wrong size".into()));
        }
        let table: Vec<Fr> = inputs
            .evals
            .iter()
            .chain(inputs.challenges)
            .chain([&inputs.z])
            .chain(&self.consts)
            .chain(inputs.lagranges)
            .copied()
            .collect();
        let mut stack: Vec<Fr> = Vec::with_capacity(self.max_stack);
        let mut top = Fr::ZERO;
        for chunk in self.code.chunks(3) {
            let [code, hi, lo] = <[u8; 3]>::try_from(chunk).map_err(|_| bad("truncated".into()))?;
            let arg = u16::from_be_bytes([hi, lo]) as usize;
            let value = || table.get(arg).copied().ok_or_else(|| bad(format!("value {arg}")));
            match code {
                op::LOAD => {
                    stack.push(top);
                    top = value()?;
                }
                op::ADDV => top += value()?,
                op::SUBV => top -= value()?,
                op::MULV => top *= value()?,
                op::NEG => top = -top,
                op::ADD | op::MUL => {
                    let a = stack.pop().ok_or_else(|| bad("empty stack".into()))?;
                    top = if code == op::ADD { a + top } else { a * top };
                }
                other => return Err(bad(format!("unknown op {other}"))),
            }
        }
        match stack.len() {
            1 => Ok(top),
            n => Err(bad(format!("{n} values left on the stack"))),
        }
    }

    /// Operations in the program.
    pub fn len(&self) -> usize {
        self.code.len() / 3
    }

    /// Whether the program is empty.
    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }
}
