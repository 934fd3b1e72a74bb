//! ONNX protobuf -> [`Graph`]. The protobuf types and tensor decoding come from tract-onnx; the
//! op mapping and shape functions are ours, so that every op the circuit proves has one
//! definition of its semantics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tract_onnx::pb::{self, type_proto, NodeProto, TensorProto};
use tract_onnx::prelude::{DatumType, Tensor};
use tract_onnx::tract_core::prelude::Framework;

use crate::fixed_point::{broadcast_index, broadcast_shape};
use crate::graph::{BinaryKind, FloatTensor, Graph, Node, Op, ValueId, ValueInfo};
use crate::input::InputData;
use crate::{Error, Result};

/// Reads an ONNX file into the compiler's graph.
///
/// `data`, when given, fixes symbolic dimensions of the graph inputs from its `input_shapes`;
/// otherwise symbolic dimensions become 1.
pub fn load_onnx(path: &Path, data: Option<&InputData>) -> Result<Graph> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let proto = tract_onnx::onnx()
        .proto_model_for_read(&mut bytes.as_slice())
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
        }
    }

    fn import(mut self, proto: &pb::ModelProto, data: Option<&InputData>) -> Result<Graph> {
        let graph = proto.graph.as_ref().ok_or_else(|| malformed(&self.path, "the file holds no graph"))?;
        if graph.node.is_empty() {
            return Err(malformed(&self.path, "the graph has no nodes"));
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
            inputs.push(self.add_value(&input.name, shape));
        }
        if inputs.is_empty() {
            return Err(malformed(&self.path, "the graph has no (non-constant) inputs"));
        }
        for (index, node) in graph.node.iter().enumerate() {
            self.import_node(index, node)?;
        }
        let mut outputs = Vec::new();
        for output in &graph.output {
            let id = *self.by_name.get(&output.name).ok_or_else(|| {
                malformed(&self.path, format!("graph output `{}` is never computed", output.name))
            })?;
            outputs.push(id);
        }
        Ok(Graph { name: self.name, values: self.values, inputs, nodes: self.nodes, outputs })
    }

    fn load_tensor(&self, proto: &TensorProto) -> Result<Tensor> {
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
        self.values.push(ValueInfo { name: name.to_owned(), shape });
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
        if node.output.len() != 1 && node.op_type != "Dropout" {
            return Err(ctx.unsupported(format!("{} outputs", node.output.len())));
        }
        let out_name = &node.output[0];
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
            "AveragePool" | "GlobalAveragePool" => self.average_pool(&ctx, node)?,
            "MatMul" => self.matmul(&ctx, node)?,
            "Add" => self.add(&ctx, node)?,
            "Sub" | "Mul" | "Div" => self.arithmetic(&ctx, node)?,
            "BatchNormalization" => self.batch_norm(&ctx, node)?,
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
            _ => return Err(ctx.unsupported(String::new())),
        }
        Ok(())
    }

    fn push(&mut self, ctx: &NodeCtx, op: Op, input: ValueId, out: &str, shape: Vec<usize>) {
        let output = self.add_value(out, shape);
        self.nodes.push(Node {
            name: ctx.name.clone(),
            op_type: ctx.op_type.clone(),
            op,
            inputs: vec![input],
            output,
        });
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

    /// Gemm: `alpha * A' * B' + beta * C` with A the activation and B, C constants.
    fn gemm(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        if int_attr(node, "transA").unwrap_or(0) != 0 {
            return Err(ctx.unsupported("transA = 1"));
        }
        let alpha = float_attr(node, "alpha").unwrap_or(1.0);
        let beta = float_attr(node, "beta").unwrap_or(1.0);
        let x = self.activation(ctx, node, 0)?;
        let b = floats(ctx, &self.constant(ctx, node, 1)?)?;
        if b.shape.len() != 2 {
            return Err(ctx.shape(format!("B must be 2-D, got {:?}", b.shape)));
        }
        // Stored as [out, in]: with transB the file already holds it that way.
        let mut weight = if int_attr(node, "transB").unwrap_or(0) != 0 { b } else { transpose(&b) };
        weight.data.iter_mut().for_each(|w| *w *= alpha);
        let out_features = weight.shape[0];
        let mut bias = match self.optional_constant(ctx, node, 2)? {
            Some(c) => broadcast_bias(ctx, &floats(ctx, &c)?, out_features)?,
            None => vec![0.0; out_features],
        };
        bias.iter_mut().for_each(|v| *v *= beta);
        self.linear(ctx, x, weight, bias, &node.output[0])
    }

    /// Conv over NCHW with constant weights (and bias); 2-D, explicit pads only.
    fn conv(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let auto_pad = node
            .attribute
            .iter()
            .find(|a| a.name == "auto_pad")
            .map(|a| String::from_utf8_lossy(&a.s).into_owned());
        if auto_pad.as_deref().is_some_and(|p| p != "NOTSET") {
            return Err(ctx.unsupported(format!("auto_pad = {}", auto_pad.unwrap_or_default())));
        }
        let x = self.activation(ctx, node, 0)?;
        let w = floats(ctx, &self.constant(ctx, node, 1)?)?;
        let in_shape = self.values[x].shape.clone();
        let (&[n, c, h, wd], &[oc, icg, kh, kw]) = (in_shape.as_slice(), w.shape.as_slice()) else {
            return Err(
                ctx.unsupported(format!("only 2-D convolution (input {in_shape:?}, weight {:?})", w.shape))
            );
        };
        let pair = |name: &str, default: usize| -> Result<[usize; 2]> {
            match ints_attr(node, name) {
                None => Ok([default; 2]),
                Some(v) if v.len() == 2 && v.iter().all(|&x| x >= 0) => Ok([v[0] as usize, v[1] as usize]),
                Some(v) => Err(ctx.unsupported(format!("{name} = {v:?}"))),
            }
        };
        let pads = match ints_attr(node, "pads") {
            None => [0; 4],
            Some(v) if v.len() == 4 && v.iter().all(|&x| x >= 0) => {
                [v[0] as usize, v[1] as usize, v[2] as usize, v[3] as usize]
            }
            Some(v) => return Err(ctx.unsupported(format!("pads = {v:?}"))),
        };
        let group = int_attr(node, "group").unwrap_or(1);
        if group < 1 || c % group as usize != 0 || c / group as usize != icg {
            return Err(ctx.shape(format!("input has {c} channels, weight {:?} with group {group}", w.shape)));
        }
        if let Some(k) = ints_attr(node, "kernel_shape") {
            if k != [kh as i64, kw as i64] {
                return Err(ctx.shape(format!("kernel_shape {k:?} but weight {:?}", w.shape)));
            }
        }
        let geometry = crate::conv::ConvGeometry {
            input: [n, c, h, wd],
            out_channels: oc,
            kernel: [kh, kw],
            strides: pair("strides", 1)?,
            pads,
            dilations: pair("dilations", 1)?,
            group: group as usize,
        };
        if !geometry.is_consistent() {
            return Err(
                ctx.shape(format!("kernel {:?} does not fit input {in_shape:?} with these pads", w.shape))
            );
        }
        let bias = match self.optional_constant(ctx, node, 2)? {
            Some(b) => broadcast_bias(ctx, &floats(ctx, &b)?, oc)?,
            None => vec![0.0; oc],
        };
        let shape = geometry.output().expect("checked consistent").to_vec();
        self.push(ctx, Op::Conv { geometry, weight: w, bias }, x, &node.output[0], shape);
        Ok(())
    }

    /// AveragePool / GlobalAveragePool as a depthwise convolution with weights 1/(KH*KW).
    fn average_pool(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let in_shape = self.values[x].shape.clone();
        let &[n, c, h, w] = in_shape.as_slice() else {
            return Err(ctx.unsupported(format!("only 2-D pooling (input {in_shape:?})")));
        };
        let global = node.op_type == "GlobalAveragePool";
        let kernel = match ints_attr(node, "kernel_shape") {
            _ if global => [h, w],
            Some(k) if k.len() == 2 && k.iter().all(|&v| v > 0) => [k[0] as usize, k[1] as usize],
            other => return Err(ctx.unsupported(format!("kernel_shape = {other:?}"))),
        };
        let auto_pad = node
            .attribute
            .iter()
            .find(|a| a.name == "auto_pad")
            .map(|a| String::from_utf8_lossy(&a.s).into_owned());
        if auto_pad.as_deref().is_some_and(|p| p != "NOTSET") || int_attr(node, "ceil_mode").unwrap_or(0) != 0
        {
            return Err(ctx.unsupported("auto_pad or ceil_mode"));
        }
        let pads = match ints_attr(node, "pads") {
            None => [0; 4],
            Some(v) if v.len() == 4 && v.iter().all(|&p| p >= 0) => {
                [v[0] as usize, v[1] as usize, v[2] as usize, v[3] as usize]
            }
            Some(v) => return Err(ctx.unsupported(format!("pads = {v:?}"))),
        };
        if pads != [0; 4] && int_attr(node, "count_include_pad").unwrap_or(0) == 0 {
            // The divisor would change at the borders.
            return Err(ctx.unsupported("padding with count_include_pad = 0"));
        }
        let strides = match ints_attr(node, "strides") {
            None => [1, 1],
            Some(v) if v.len() == 2 && v.iter().all(|&s| s > 0) => [v[0] as usize, v[1] as usize],
            Some(v) => return Err(ctx.unsupported(format!("strides = {v:?}"))),
        };
        let geometry = crate::conv::ConvGeometry {
            input: [n, c, h, w],
            out_channels: c,
            kernel,
            strides,
            pads,
            dilations: [1, 1],
            group: c,
        };
        if !geometry.is_consistent() {
            return Err(ctx.shape(format!("window {kernel:?} does not fit input {in_shape:?}")));
        }
        let taps = kernel[0] * kernel[1];
        let weight = FloatTensor {
            shape: vec![c, 1, kernel[0], kernel[1]],
            data: vec![1.0 / taps as f32; geometry.weight_len()],
        };
        let shape = geometry.output().expect("checked consistent").to_vec();
        self.push(ctx, Op::Conv { geometry, weight, bias: vec![0.0; c] }, x, &node.output[0], shape);
        Ok(())
    }

    fn matmul(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let w = floats(ctx, &self.constant(ctx, node, 1)?)?;
        if w.shape.len() != 2 {
            return Err(ctx.unsupported(format!("a {}-D constant right operand", w.shape.len())));
        }
        let weight = transpose(&w);
        let bias = vec![0.0; weight.shape[0]];
        self.linear(ctx, x, weight, bias, &node.output[0])
    }

    fn linear(
        &mut self,
        ctx: &NodeCtx,
        x: ValueId,
        weight: FloatTensor,
        bias: Vec<f32>,
        out: &str,
    ) -> Result<()> {
        let in_shape = self.values[x].shape.clone();
        let (out_features, in_features) = (weight.shape[0], weight.shape[1]);
        if out_features == 0 || in_features == 0 {
            return Err(ctx.shape(format!("weight of shape {:?} is empty", weight.shape)));
        }
        match in_shape.last() {
            Some(&last) if last == in_features => {}
            _ => {
                return Err(ctx.shape(format!(
                    "input `{}` has shape {in_shape:?}, the weight expects last dimension {in_features}",
                    self.values[x].name
                )))
            }
        }
        let mut shape = in_shape;
        *shape.last_mut().expect("checked non-empty above") = out_features;
        self.push(ctx, Op::Linear { weight, bias }, x, out, shape);
        Ok(())
    }

    /// Add of a constant to the output of a MatMul/Gemm is folded into its bias; that is the
    /// only Add this version lowers.
    /// Add, Sub or Mul of two activations: [`Op::Binary`] with numpy broadcasting.
    fn binary(&mut self, ctx: &NodeCtx, node: &NodeProto, a: ValueId, b: ValueId) -> Result<()> {
        let kind = match node.op_type.as_str() {
            "Add" => BinaryKind::Add,
            "Sub" => BinaryKind::Sub,
            "Mul" => BinaryKind::Mul,
            _ => return Err(ctx.unsupported("two activations")),
        };
        let (sa, sb) = (&self.values[a].shape, &self.values[b].shape);
        let shape = broadcast_shape(sa, sb)
            .ok_or_else(|| ctx.shape(format!("{sa:?} and {sb:?} do not broadcast")))?;
        let output = self.add_value(&node.output[0], shape);
        self.nodes.push(Node {
            name: ctx.name.clone(),
            op_type: ctx.op_type.clone(),
            op: Op::Binary { kind },
            inputs: vec![a, b],
            output,
        });
        Ok(())
    }

    /// Both operands of a binary node, when both are activations.
    fn two_activations(&self, node: &NodeProto) -> Option<(ValueId, ValueId)> {
        let get = |i: usize| node.input.get(i).and_then(|n| self.by_name.get(n)).copied();
        Some((get(0)?, get(1)?))
    }

    /// Add of a constant: folded into the bias of a preceding MatMul/Gemm read by nothing else,
    /// otherwise an elementwise [`Op::Scale`].
    fn add(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        if let Some((a, b)) = self.two_activations(node) {
            return self.binary(ctx, node, a, b);
        }
        let (act, konst, _) = self.activation_and_constant(ctx, node)?;
        let producer = self.nodes.iter().rposition(|n| n.output == act);
        let only_reader = self.readers.get(&self.values[act].name) == Some(&1);
        if let Some(p) = producer.filter(|_| only_reader) {
            if let Op::Linear { bias, .. } = &self.nodes[p].op {
                if let Ok(extra) = broadcast_bias(ctx, &konst, bias.len()) {
                    let fused = &mut self.nodes[p];
                    if let Op::Linear { bias, .. } = &mut fused.op {
                        bias.iter_mut().zip(extra).for_each(|(b, e)| *b += e);
                    }
                    fused.op_type = format!("{}+Add", fused.op_type);
                    let out = fused.output;
                    self.by_name.insert(node.output[0].clone(), out);
                    return Ok(());
                }
            }
        }
        let shape = self.values[act].shape.clone();
        let add = broadcast_to(ctx, &konst, &shape)?;
        self.push(ctx, Op::Scale { mul: vec![1.0; add.len()], add }, act, &node.output[0], shape);
        Ok(())
    }

    /// Sub, Mul and Div with one constant operand, as an elementwise [`Op::Scale`].
    fn arithmetic(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        if let Some((a, b)) = self.two_activations(node) {
            return self.binary(ctx, node, a, b);
        }
        let (act, konst, act_first) = self.activation_and_constant(ctx, node)?;
        let shape = self.values[act].shape.clone();
        let c = broadcast_to(ctx, &konst, &shape)?;
        let (mul, add) = match (node.op_type.as_str(), act_first) {
            ("Sub", true) => (vec![1.0; c.len()], c.iter().map(|v| -v).collect()),
            ("Sub", false) => (vec![-1.0; c.len()], c),
            ("Mul", _) => (c, vec![0.0; shape.iter().product()]),
            ("Div", true) => {
                if let Some(i) = c.iter().position(|&v| v == 0.0) {
                    return Err(ctx.unsupported(format!("division by the constant 0 (element {i})")));
                }
                (c.iter().map(|v| 1.0 / v).collect(), vec![0.0; shape.iter().product()])
            }
            _ => return Err(ctx.unsupported("a constant divided by an activation")),
        };
        self.push(ctx, Op::Scale { mul, add }, act, &node.output[0], shape);
        Ok(())
    }

    /// Inference BatchNormalization: `(x - mean) / sqrt(var + eps) * scale + b` per channel.
    fn batch_norm(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let shape = self.values[x].shape.clone();
        let [gamma, beta, mean, var] =
            [1, 2, 3, 4].map(|i| self.constant(ctx, node, i).and_then(|t| floats(ctx, &t)));
        let (gamma, beta, mean, var) = (gamma?, beta?, mean?, var?);
        let eps = float_attr(node, "epsilon").unwrap_or(1e-5);
        let channels =
            *shape.get(1).ok_or_else(|| ctx.shape(format!("input {shape:?} has no channel axis")))?;
        if [&gamma, &beta, &mean, &var].iter().any(|t| t.data.len() != channels) {
            return Err(ctx.shape(format!("{channels} channels, but parameters of other lengths")));
        }
        let per_channel: Vec<(f32, f32)> = (0..channels)
            .map(|c| {
                let m = gamma.data[c] / (var.data[c] + eps).sqrt();
                (m, beta.data[c] - mean.data[c] * m)
            })
            .collect();
        let inner: usize = shape[2..].iter().product();
        let (mul, add) =
            (0..shape.iter().product::<usize>()).map(|i| per_channel[(i / inner) % channels]).unzip();
        self.push(ctx, Op::Scale { mul, add }, x, &node.output[0], shape);
        Ok(())
    }

    /// (activation, constant, whether the activation is the first operand) of a binary op.
    fn activation_and_constant(
        &self,
        ctx: &NodeCtx,
        node: &NodeProto,
    ) -> Result<(ValueId, FloatTensor, bool)> {
        match (self.activation(ctx, node, 0), self.activation(ctx, node, 1)) {
            (Ok(a), Err(_)) => Ok((a, floats(ctx, &self.constant(ctx, node, 1)?)?, true)),
            (Err(_), Ok(a)) => Ok((a, floats(ctx, &self.constant(ctx, node, 0)?)?, false)),
            (Ok(_), Ok(_)) => Err(ctx.unsupported("two activations")),
            (Err(e), Err(_)) => Err(e),
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

fn int_attr(node: &NodeProto, name: &str) -> Option<i64> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.i)
}

fn ints_attr(node: &NodeProto, name: &str) -> Option<Vec<i64>> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.ints.clone())
}

fn float_attr(node: &NodeProto, name: &str) -> Option<f32> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.f)
}

fn floats(ctx: &NodeCtx, t: &Tensor) -> Result<FloatTensor> {
    let cast = t
        .cast_to::<f32>()
        .map_err(|e| ctx.unsupported(format!("constant of type {:?}: {e}", t.datum_type())))?;
    let data = cast.as_slice::<f32>().map_err(|e| ctx.unsupported(format!("{e}")))?.to_vec();
    if let Some(bad) = data.iter().find(|v| !v.is_finite()) {
        return Err(ctx.unsupported(format!("constant holds the non-finite value {bad}")));
    }
    Ok(FloatTensor { shape: t.shape().to_vec(), data })
}

fn ints(ctx: &NodeCtx, t: &Tensor) -> Result<Vec<i64>> {
    if !matches!(t.datum_type(), DatumType::I64 | DatumType::I32) {
        return Err(ctx.unsupported(format!("shape constant of type {:?}", t.datum_type())));
    }
    let cast = t.cast_to::<i64>().map_err(|e| ctx.unsupported(format!("{e}")))?;
    Ok(cast.as_slice::<i64>().map_err(|e| ctx.unsupported(format!("{e}")))?.to_vec())
}

fn transpose(t: &FloatTensor) -> FloatTensor {
    let (rows, cols) = (t.shape[0], t.shape[1]);
    let mut data = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            data[c * rows + r] = t.data[r * cols + c];
        }
    }
    FloatTensor { shape: vec![cols, rows], data }
}

fn broadcast_bias(ctx: &NodeCtx, c: &FloatTensor, out_features: usize) -> Result<Vec<f32>> {
    let leading_ones = c.shape.iter().rev().skip(1).all(|&d| d == 1);
    match c.data.len() {
        1 => Ok(vec![c.data[0]; out_features]),
        n if n == out_features && leading_ones => Ok(c.data.clone()),
        _ => Err(ctx.shape(format!(
            "bias of shape {:?} does not broadcast to {out_features} output features",
            c.shape
        ))),
    }
}

/// A constant broadcast (numpy rules) to `shape`, flattened row-major.
fn broadcast_to(ctx: &NodeCtx, c: &FloatTensor, shape: &[usize]) -> Result<Vec<f32>> {
    let rank = shape.len();
    if c.shape.len() > rank || c.shape.iter().rev().zip(shape.iter().rev()).any(|(&a, &b)| a != 1 && a != b) {
        return Err(ctx.shape(format!("constant of shape {:?} does not broadcast to {shape:?}", c.shape)));
    }
    Ok((0..shape.iter().product()).map(|i| c.data[broadcast_index(shape, &c.shape, i)]).collect())
}

fn normalize_axis(ctx: &NodeCtx, axis: i64, rank: usize) -> Result<usize> {
    let a = if axis < 0 { axis + rank as i64 - 1 } else { axis };
    if a < 0 || a as usize >= rank {
        return Err(ctx.shape(format!("axis {axis} is out of range for rank {}", rank - 1)));
    }
    Ok(a as usize)
}

fn reshape_target(ctx: &NodeCtx, input: &[usize], target: &[i64]) -> Result<Vec<usize>> {
    let total: usize = input.iter().product();
    let mut shape = Vec::with_capacity(target.len());
    let mut infer = None;
    for (i, &d) in target.iter().enumerate() {
        match d {
            0 => {
                shape.push(*input.get(i).ok_or_else(|| {
                    ctx.shape(format!("0 at axis {i} of {target:?} has no input dimension"))
                })?)
            }
            -1 if infer.is_none() => {
                infer = Some(i);
                shape.push(1);
            }
            d if d > 0 => shape.push(d as usize),
            _ => return Err(ctx.shape(format!("invalid target shape {target:?}"))),
        }
    }
    let known: usize = shape.iter().product();
    if let Some(i) = infer {
        if known == 0 || total % known != 0 {
            return Err(ctx.shape(format!("cannot reshape {input:?} to {target:?}")));
        }
        shape[i] = total / known;
    }
    if shape.iter().product::<usize>() != total {
        return Err(ctx.shape(format!("cannot reshape {input:?} ({total} values) to {target:?}")));
    }
    Ok(shape)
}
