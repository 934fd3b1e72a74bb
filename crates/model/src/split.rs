//! Cutting a model into segments proven separately (models too large for one circuit).

use std::collections::{BTreeMap, BTreeSet};

use crate::quantize::{QuantNode, QuantOp, QuantizedModel};
use crate::visibility::Visibility;
use crate::{Error, Result};

impl QuantizedModel {
    /// Cuts the model before each node index of `cuts` (strictly increasing, inside
    /// `1..nodes.len()`) into `cuts.len() + 1` segments run one after the other.
    ///
    /// The values crossing a cut (computed before it, used after it or a model output) are the
    /// outputs of the segment before and the inputs of the segment after, in value-id order;
    /// a value crossing several cuts passes through the segments between. Constants do not
    /// cross: a segment using one computed before its start holds its own copy of the node.
    /// Crossing values may have different scales: only their hash is public. Both sides of a cut
    /// are `hashed`: each segment's proof exposes the Poseidon hash of the crossing values, and
    /// equal hashes link the segments (the aggregation circuit constrains them equal). The
    /// first segment keeps the model's input visibility, the last its output visibility, every
    /// segment its weights' visibility. The integer semantics are unchanged: running the
    /// segments in turn computes exactly the values the whole model does.
    pub fn split(&self, cuts: &[usize]) -> Result<Vec<QuantizedModel>> {
        let n = self.nodes.len();
        let bad = |m: String| Err(Error::Compiled(format!("split of `{}`: {m}", self.name)));
        if cuts.is_empty() {
            return bad("no cut given".into());
        }
        if let Some(w) = cuts.windows(2).find(|w| w[0] >= w[1]) {
            return bad(format!("cuts must increase ({} then {})", w[0], w[1]));
        }
        if let Some(&c) = cuts.iter().find(|&&c| c == 0 || c >= n) {
            return bad(format!("cut before node {c}: the model has {n} nodes, a cut lies in 1..{n}"));
        }
        // Where each value is last needed: the index of its last consumer, or n for outputs.
        let mut last_use = BTreeMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            for &v in &node.inputs {
                last_use.insert(v, i);
            }
        }
        for &v in &self.outputs {
            last_use.insert(v, n);
        }
        // The node computing each value (graph inputs have none).
        let producer: BTreeMap<usize, usize> =
            self.nodes.iter().enumerate().map(|(i, node)| (node.output, i)).collect();
        let defined_at = |v: usize| producer.get(&v).copied();
        let is_constant =
            |v: usize| defined_at(v).is_some_and(|d| matches!(self.nodes[d].op, QuantOp::Constant { .. }));
        // Constants never cross a cut: a later segment that uses one holds its own copy.
        let crossing = |cut: usize| -> Vec<usize> {
            last_use
                .iter()
                .filter(|&(&v, &last)| {
                    last >= cut && defined_at(v).is_none_or(|d| d < cut) && !is_constant(v)
                })
                .map(|(&v, _)| v)
                .collect()
        };
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(n);
        let mut segments = Vec::with_capacity(bounds.len() - 1);
        for (s, range) in bounds.windows(2).enumerate() {
            let (first, last) = (s == 0, range[1] == n);
            let inputs = if first { self.inputs.clone() } else { crossing(range[0]) };
            let outputs = if last { self.outputs.clone() } else { crossing(range[1]) };
            let own = &self.nodes[range[0]..range[1]];
            let needed: BTreeSet<usize> =
                own.iter().flat_map(|node| node.inputs.iter()).chain(&outputs).copied().collect();
            let copied = self.nodes[..range[0]]
                .iter()
                .filter(|node| matches!(node.op, QuantOp::Constant { .. }) && needed.contains(&node.output));
            let nodes: Vec<QuantNode> = copied.chain(own).cloned().collect();
            let mut segment = self.segment(&nodes, &inputs, &outputs);
            segment.name = format!("{} (nodes {}..{} of {n})", self.name, range[0], range[1]);
            if !first {
                segment.visibility.input = Visibility::Hashed;
            }
            if !last {
                segment.visibility.output = Visibility::Hashed;
            }
            segment.validate()?;
            segments.push(segment);
        }
        Ok(segments)
    }

    /// The model made of `nodes` with these inputs and outputs, its values renumbered densely
    /// in their original order.
    fn segment(&self, nodes: &[QuantNode], inputs: &[usize], outputs: &[usize]) -> QuantizedModel {
        let used: BTreeSet<usize> = inputs
            .iter()
            .chain(outputs)
            .chain(nodes.iter().flat_map(|node| node.inputs.iter().chain([&node.output])))
            .copied()
            .collect();
        let id: BTreeMap<usize, usize> = used.iter().enumerate().map(|(new, &old)| (old, new)).collect();
        QuantizedModel {
            format: self.format.clone(),
            name: self.name.clone(),
            value_bits: self.value_bits,
            scales: self.scales,
            visibility: self.visibility,
            values: used.iter().map(|&v| self.values[v].clone()).collect(),
            inputs: inputs.iter().map(|v| id[v]).collect(),
            outputs: outputs.iter().map(|v| id[v]).collect(),
            nodes: nodes
                .iter()
                .map(|node| QuantNode {
                    inputs: node.inputs.iter().map(|v| id[v]).collect(),
                    output: id[&node.output],
                    ..node.clone()
                })
                .collect(),
        }
    }
}
