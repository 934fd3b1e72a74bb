//! The quotient numerator (gates, permutation and lookup arguments combined with powers of
//! `y`) as a small stack program, so that one verifier evaluates every circuit's constraints.

use std::rc::Rc;

use halo2_base::halo2_proofs::halo2curves::bn256::{Fr, G1Affine};
use snark_verifier_sdk::snark_verifier::verifier::plonk::PlonkProtocol;

use crate::{Error, Result};

/// Operation codes; each operation is three bytes: the code and a big-endian 16-bit argument.
pub mod op {
    /// Push `consts[arg]`.
    pub const CONST: u8 = 0;
    /// Push evaluation slot `arg`.
    pub const EVAL: u8 = 1;
    /// Push challenge `arg`.
    pub const CHALLENGE: u8 = 2;
    /// Push `L_{lagranges[arg]}(z)`.
    pub const LAGRANGE: u8 = 3;
    /// Push `z`.
    pub const IDENTITY: u8 = 4;
    /// Negate the top.
    pub const NEG: u8 = 5;
    /// Pop two, push their sum.
    pub const ADD: u8 = 6;
    /// Pop two, push their product.
    pub const MUL: u8 = 7;
    /// Multiply the top by `consts[arg]`.
    pub const SCALE: u8 = 8;
}

/// A compiled numerator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    /// Three bytes per operation.
    pub code: Vec<u8>,
    /// Constants referenced by `CONST` and `SCALE`.
    pub consts: Vec<Fr>,
    /// Rows `i` whose Lagrange basis polynomial `L_i` is evaluated at `z`.
    pub lagranges: Vec<i32>,
    /// Largest stack depth reached.
    pub max_stack: usize,
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
) -> Result<Program> {
    let tree = build(protocol, slot).map_err(Error::Unsupported)?;
    let mut program = Program::default();
    let mut depth = 0;
    emit(&tree, &mut program, &mut depth);
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

fn push(program: &mut Program, code: u8, arg: usize) {
    program.code.push(code);
    program.code.extend_from_slice(&(arg as u16).to_be_bytes());
}

fn constant(program: &mut Program, c: Fr) -> usize {
    match program.consts.iter().position(|x| *x == c) {
        Some(i) => i,
        None => {
            program.consts.push(c);
            program.consts.len() - 1
        }
    }
}

fn emit(node: &Node, program: &mut Program, depth: &mut usize) {
    let mut leaf = |program: &mut Program, code: u8, arg: usize| {
        push(program, code, arg);
        *depth += 1;
        program.max_stack = program.max_stack.max(*depth);
    };
    match node {
        Node::Const(c) => {
            let i = constant(program, *c);
            leaf(program, op::CONST, i)
        }
        Node::Eval(s) => leaf(program, op::EVAL, *s),
        Node::Challenge(i) => leaf(program, op::CHALLENGE, *i),
        Node::Lagrange(row) => {
            let i = match program.lagranges.iter().position(|r| r == row) {
                Some(i) => i,
                None => {
                    program.lagranges.push(*row);
                    program.lagranges.len() - 1
                }
            };
            leaf(program, op::LAGRANGE, i)
        }
        Node::Identity => leaf(program, op::IDENTITY, 0),
        Node::Neg(a) => {
            emit(a, program, depth);
            push(program, op::NEG, 0);
        }
        Node::Add(a, b) | Node::Mul(a, b) => {
            emit(a, program, depth);
            emit(b, program, depth);
            push(program, if matches!(node, Node::Add(..)) { op::ADD } else { op::MUL }, 0);
            *depth -= 1;
        }
        Node::Scale(a, c) => {
            emit(a, program, depth);
            let i = constant(program, *c);
            push(program, op::SCALE, i);
        }
    }
}

impl Program {
    /// Runs the program (the reference for the Solidity interpreter).
    pub fn run(&self, inputs: &Inputs<'_>) -> Result<Fr> {
        let bad = |what: String| Error::Unsupported(format!("numerator program: {what}"));
        let mut stack: Vec<Fr> = Vec::with_capacity(self.max_stack);
        for chunk in self.code.chunks(3) {
            let [code, hi, lo] = <[u8; 3]>::try_from(chunk).map_err(|_| bad("truncated".into()))?;
            let arg = u16::from_be_bytes([hi, lo]) as usize;
            let get = |v: &[Fr], what: &str| v.get(arg).copied().ok_or_else(|| bad(format!("{what} {arg}")));
            let value = match code {
                op::CONST => get(&self.consts, "constant")?,
                op::EVAL => get(inputs.evals, "slot")?,
                op::CHALLENGE => get(inputs.challenges, "challenge")?,
                op::LAGRANGE => get(inputs.lagranges, "lagrange")?,
                op::IDENTITY => inputs.z,
                op::NEG | op::SCALE => {
                    let a = stack.pop().ok_or_else(|| bad("empty stack".into()))?;
                    stack.push(if code == op::NEG { -a } else { a * get(&self.consts, "constant")? });
                    continue;
                }
                op::ADD | op::MUL => {
                    let b = stack.pop().ok_or_else(|| bad("empty stack".into()))?;
                    let a = stack.pop().ok_or_else(|| bad("empty stack".into()))?;
                    stack.push(if code == op::ADD { a + b } else { a * b });
                    continue;
                }
                other => return Err(bad(format!("unknown op {other}"))),
            };
            stack.push(value);
        }
        match stack.as_slice() {
            [v] => Ok(*v),
            _ => Err(bad(format!("{} values left on the stack", stack.len()))),
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
