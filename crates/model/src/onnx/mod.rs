//! ONNX protobuf -> [`Graph`]. The protobuf types and tensor decoding come from tract-onnx; the
//! op mapping and shape functions are ours, so that every op the circuit proves has one
//! definition of its semantics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tract_onnx::pb::{self, type_proto, NodeProto, TensorProto};
use tract_onnx::prelude::Tensor;
use tract_onnx::tract_core::prelude::Framework;

use crate::graph::{Graph, Node, Op, ValueId, ValueInfo};
use crate::input::InputData;
use crate::{Error, Result};

mod attrs;
mod conv;
mod conv_transpose;
mod dense;
mod elementwise;
mod function;
mod gather_scatter_nd;
mod logic;
mod movement;
mod recurrent;
mod reduce;
mod tensor_check;

use attrs::{int_attr, ints, normalize_axis, reshape_target};

/// Reads an ONNX file into the compiler's graph.
///
/// `data`, when given, fixes symbolic dimensions of the graph inputs from its `input_shapes`;
/// otherwise symbolic dimensions become 1.
pub fn load_onnx(path: &Path, data: Option<&InputData>) -> Result<Graph> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    load_onnx_bytes(&bytes, path, data)
}

/// [`load_onnx`] on the file's bytes; `path` names the model (its stem, or for EZKL's
/// `network.onnx` its folder) and the file in errors.
pub fn load_onnx_bytes(bytes: &[u8], path: &Path, data: Option<&InputData>) -> Result<Graph> {
    let proto = tract_onnx::onnx()
        .proto_model_for_read(&mut &bytes[..])
        .map_err(|e| malformed(path, format!("{e:#}")))?;
    let name = path.file_stem().map_or_else(|| "model".into(), |s| s.to_string_lossy().into());
    let name = if name == "network" {
        // EZKL's examples are all called network.onnx: the folder says more.
        path.parent().and_then(|p| p.file_name()).map_or(name, |s| s.to_string_lossy().into_owned())
    } else {
        name
    };
    Importer::new(path, name).import(&proto, data)
}

/// The distinct op types of an ONNX file's top-level graph, sorted, without importing it
/// (for reports about models the compiler cannot take yet).
pub fn onnx_op_types(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let proto = tract_onnx::onnx()
        .proto_model_for_read(&mut bytes.as_slice())
        .map_err(|e| malformed(path, format!("{e:#}")))?;
    let mut ops: Vec<String> =
        proto.graph.iter().flat_map(|g| g.node.iter().map(|n| n.op_type.clone())).collect();
    ops.sort();
    ops.dedup();
    Ok(ops)
}

fn malformed(path: &Path, reason: impl Into<String>) -> Error {
    Error::MalformedOnnx { path: path.to_owned(), reason: reason.into() }
}

struct Importer {
    path: PathBuf,
    name: String,
    constants: HashMap<String, Tensor>,
    values: Vec<ValueInfo>,
    by_name: HashMap<String, ValueId>,
    nodes: Vec<Node>,
    /// How many nodes or graph outputs read each tensor name: a MatMul output read by more
    /// than its Add cannot absorb the Add into its bias.
    readers: HashMap<String, usize>,
    /// The default-domain opset the file declares (op semantics changed between opsets).
    opset: i64,
    /// Constants turned into values (see `materialize`), by name.
    materialized: HashMap<String, ValueId>,
}

impl Importer {
    fn new(path: &Path, name: String) -> Self {
        Self {
            path: path.to_owned(),
            name,
            constants: HashMap::new(),
            values: Vec::new(),
            by_name: HashMap::new(),
            nodes: Vec::new(),
            readers: HashMap::new(),
            opset: 13,
            materialized: HashMap::new(),
        }
    }

    fn import(mut self, proto: &pb::ModelProto, data: Option<&InputData>) -> Result<Graph> {
        let graph = proto.graph.as_ref().ok_or_else(|| malformed(&self.path, "the file holds no graph"))?;
        if graph.node.is_empty() {
            return Err(malformed(&self.path, "the graph has no nodes"));
        }
        if let Some(o) = proto.opset_import.iter().find(|o| o.domain.is_empty() || o.domain == "ai.onnx") {
            self.opset = o.version;
        }
        for name in graph.node.iter().flat_map(|n| &n.input).chain(graph.output.iter().map(|o| &o.name)) {
            *self.readers.entry(name.clone()).or_default() += 1;
        }
        for init in &graph.initializer {
            let tensor = self.load_tensor(init)?;
            self.constants.insert(init.name.clone(), tensor);
        }
        let mut inputs = Vec::new();
        let graph_inputs: Vec<_> =
            graph.input.iter().filter(|i| !self.constants.contains_key(&i.name)).collect();
        for input in graph_inputs {
            let declared = declared_shape(input);
            let given = data.and_then(|d| Some((d, d.shapes.as_ref()?.get(inputs.len())?)));
            let shape = match given {
                Some((data, given)) => resolve_shape(data, &input.name, &declared, given)?,
                None => declared.iter().map(|d| d.unwrap_or(1)).collect(),
            };
            let id = self.add_value(&input.name, shape);
            self.values[id].integer = integer_type(input);
            inputs.push(id);
        }
        for (index, node) in graph.node.iter().enumerate() {
            self.import_node(index, node)?;
        }
        let mut outputs = Vec::new();
        for output in &graph.output {
            let id = match (self.by_name.get(&output.name), self.constants.get(&output.name)) {
                (Some(&id), _) => id,
                // A constant output (arange): a constant value of the circuit.
                (None, Some(t)) => {
                    let t = t.clone();
                    let ctx = NodeCtx { name: output.name.clone(), op_type: "Constant".into() };
                    self.materialize(&ctx, &t, &output.name)?
                }
                (None, None) => {
                    return Err(malformed(
                        &self.path,
                        format!("graph output `{}` is never computed", output.name),
                    ))
                }
            };
            outputs.push(id);
        }
        Ok(Graph { name: self.name, values: self.values, inputs, nodes: self.nodes, outputs })
    }

    fn load_tensor(&self, proto: &TensorProto) -> Result<Tensor> {
        if let Some(problem) = tensor_check::tensor_problem(proto) {
            return Err(malformed(&self.path, format!("tensor `{}`: {problem}", proto.name)));
        }
        let dir = self.path.parent().and_then(Path::to_str);
        // tract panics on a few tensor encodings it does not implement; a user file must not
        // crash the compiler.
        let loaded = std::panic::catch_unwind(|| {
            tract_onnx::tensor::load_tensor(&tract_onnx::data_resolver::MmapDataResolver, proto, dir)
        });
        match loaded {
            Ok(Ok(t)) => Ok(t),
            Ok(Err(e)) => Err(malformed(&self.path, format!("tensor `{}`: {e:#}", proto.name))),
            Err(_) => {
                Err(malformed(&self.path, format!("tensor `{}`: unsupported tensor encoding", proto.name)))
            }
        }
    }

    fn add_value(&mut self, name: &str, shape: Vec<usize>) -> ValueId {
        let id = self.values.len();
        self.values.push(ValueInfo { name: name.to_owned(), shape, integer: false });
        self.by_name.insert(name.to_owned(), id);
        id
    }

    fn import_node(&mut self, index: usize, node: &NodeProto) -> Result<()> {
        let ctx = NodeCtx {
            name: if node.name.is_empty() { format!("#{index}") } else { node.name.clone() },
            op_type: node.op_type.clone(),
        };
        if node.output.is_empty() {
            return Err(malformed(
                &self.path,
                format!("node `{}` ({}) has no outputs", ctx.name, ctx.op_type),
            ));
        }
        // Dropout's optional second output (the mask) is never used at inference.
        // TopK's indices output is checked to be unused by its importer; recurrent ops name
        // all their outputs.
        let multi = matches!(node.op_type.as_str(), "Dropout" | "Split" | "TopK" | "RNN" | "GRU" | "LSTM");
        if node.output.len() != 1 && !multi {
            return Err(ctx.unsupported(format!("{} outputs", node.output.len())));
        }
        let out_name = &node.output[0];
        if matches!(node.op_type.as_str(), "Add" | "Sub" | "Mul" | "Div" | "Pow")
            && self.fold_binary(&ctx, node)?
        {
            return Ok(());
        }
        match node.op_type.as_str() {
            "Constant" => {
                let attr = node
                    .attribute
                    .iter()
                    .find(|a| a.name == "value")
                    .and_then(|a| a.t.as_ref())
                    .ok_or_else(|| ctx.unsupported("only the `value` tensor form is supported"))?;
                let t = self.load_tensor(attr)?;
                self.constants.insert(out_name.clone(), t);
            }
            "Identity" | "Dropout" => match node.input.first().and_then(|i| self.constants.get(i)) {
                // A constant passed through stays a constant (folded).
                Some(c) => {
                    let c = c.clone();
                    self.constants.insert(out_name.clone(), c);
                }
                None => {
                    let x = self.activation(&ctx, node, 0)?;
                    self.by_name.insert(out_name.clone(), x);
                }
            },
            "Relu" => {
                let x = self.activation(&ctx, node, 0)?;
                let shape = self.values[x].shape.clone();
                self.push(&ctx, Op::Relu, x, out_name, shape);
            }
            "Gemm" => self.gemm(&ctx, node)?,
            "Conv" => self.conv(&ctx, node)?,
            "ConvTranspose" => self.conv_transpose(&ctx, node)?,
            "AveragePool" | "GlobalAveragePool" => self.average_pool(&ctx, node)?,
            "MatMul" => self.matmul(&ctx, node)?,
            "Add" => self.add(&ctx, node)?,
            "Sub" | "Mul" | "Div" => self.arithmetic(&ctx, node)?,
            "BatchNormalization" => self.batch_norm(&ctx, node)?,
            "Neg" => self.neg(&ctx, node)?,
            "Pow" => self.pow(&ctx, node)?,
            "Clip" => self.clip(&ctx, node)?,
            "Flatten" => {
                let x = self.activation(&ctx, node, 0)?;
                let shape = &self.values[x].shape;
                let axis = int_attr(node, "axis").unwrap_or(1);
                let axis = normalize_axis(&ctx, axis, shape.len() + 1)?;
                let outer: usize = shape[..axis].iter().product();
                let inner: usize = shape[axis..].iter().product();
                self.push(&ctx, Op::Reshape { shape: vec![outer, inner] }, x, out_name, vec![outer, inner]);
            }
            "Reshape" => {
                let x = self.activation(&ctx, node, 0)?;
                let target = self.constant(&ctx, node, 1)?;
                let target = ints(&ctx, &target)?;
                let shape = reshape_target(&ctx, &self.values[x].shape, &target)?;
                self.push(&ctx, Op::Reshape { shape: shape.clone() }, x, out_name, shape);
            }
            _ => {
                if !self.logic(&ctx, node)?
                    && !self.function(&ctx, node)?
                    && !self.movement(&ctx, node)?
                    && !self.reduce_family(&ctx, node)?
                    && !self.recurrent(&ctx, node)?
                {
                    return Err(ctx.unsupported(String::new()));
                }
            }
        }
        Ok(())
    }

    fn push(&mut self, ctx: &NodeCtx, op: Op, input: ValueId, out: &str, shape: Vec<usize>) {
        self.push_node(ctx, op, vec![input], out, shape);
    }

    fn push_node(&mut self, ctx: &NodeCtx, op: Op, inputs: Vec<ValueId>, out: &str, shape: Vec<usize>) {
        let output = self.add_value(out, shape);
        self.nodes.push(Node { name: ctx.name.clone(), op_type: ctx.op_type.clone(), op, inputs, output });
    }

    fn activation(&self, ctx: &NodeCtx, node: &NodeProto, i: usize) -> Result<ValueId> {
        let name = node.input.get(i).ok_or_else(|| ctx.unsupported(format!("missing input {i}")))?;
        if let Some(&id) = self.by_name.get(name) {
            return Ok(id);
        }
        if self.constants.contains_key(name) {
            return Err(ctx.unsupported(format!(
                "input `{name}` is a constant; constant-only subgraphs are not folded yet"
            )));
        }
        Err(malformed(&self.path, format!("node `{}` reads `{name}`, which nothing produces", ctx.name)))
    }

    fn constant(&self, ctx: &NodeCtx, node: &NodeProto, i: usize) -> Result<Tensor> {
        let name = node.input.get(i).ok_or_else(|| ctx.unsupported(format!("missing input {i}")))?;
        self.constants.get(name).cloned().ok_or_else(|| Error::NotConstant {
            node: ctx.name.clone(),
            op_type: ctx.op_type.clone(),
            input: name.clone(),
        })
    }

    fn optional_constant(&self, ctx: &NodeCtx, node: &NodeProto, i: usize) -> Result<Option<Tensor>> {
        match node.input.get(i) {
            Some(name) if !name.is_empty() => self.constant(ctx, node, i).map(Some),
            _ => Ok(None),
        }
    }
}

struct NodeCtx {
    name: String,
    op_type: String,
}

impl NodeCtx {
    fn unsupported(&self, reason: impl Into<String>) -> Error {
        Error::UnsupportedOp { node: self.name.clone(), op_type: self.op_type.clone(), reason: reason.into() }
    }

    fn shape(&self, reason: String) -> Error {
        Error::Shape { node: self.name.clone(), op_type: self.op_type.clone(), reason }
    }
}

/// Whether a graph input is declared with an integer or boolean element type.
fn integer_type(input: &pb::ValueInfoProto) -> bool {
    let Some(type_proto::Value::TensorType(t)) = input.r#type.as_ref().and_then(|t| t.value.as_ref()) else {
        return false;
    };
    // ONNX TensorProto.DataType: 2-7 and 12-13 are integers, 9 is bool.
    matches!(t.elem_type, 2..=7 | 9 | 12 | 13)
}

fn declared_shape(input: &pb::ValueInfoProto) -> Vec<Option<usize>> {
    let Some(type_proto::Value::TensorType(t)) = input.r#type.as_ref().and_then(|t| t.value.as_ref()) else {
        return vec![];
    };
    let Some(shape) = &t.shape else { return vec![] };
    shape
        .dim
        .iter()
        .map(|d| match d.value {
            Some(pb::tensor_shape_proto::dimension::Value::DimValue(v)) if v > 0 => Some(v as usize),
            _ => None,
        })
        .collect()
}

/// The shape of a graph input given the data's `input_shapes` entry: the data's own shape when
/// it fits the declared one (`?` matching anything), else the declared shape (`?` = 1) when the
/// element counts agree (EZKL's files often leave out the batch dimension).
fn resolve_shape(
    data: &InputData,
    name: &str,
    declared: &[Option<usize>],
    given: &[usize],
) -> Result<Vec<usize>> {
    let fits = declared.is_empty()
        || (declared.len() == given.len()
            && declared.iter().zip(given).all(|(d, g)| d.is_none_or(|d| d == *g)));
    if fits {
        return Ok(given.to_vec());
    }
    let resolved: Vec<usize> = declared.iter().map(|d| d.unwrap_or(1)).collect();
    if resolved.iter().product::<usize>() == given.iter().product::<usize>() {
        return Ok(resolved);
    }
    let declared: Vec<String> =
        declared.iter().map(|d| d.map_or_else(|| "?".into(), |d| d.to_string())).collect();
    Err(Error::InputData {
        path: data.source.clone(),
        reason: format!(
            "input `{name}`: the data's shape {given:?} does not fit the model's [{}]",
            declared.join(", ")
        ),
    })
}
