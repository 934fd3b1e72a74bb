use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context};
use zkinfer_model::ConvGeometry;

use super::linear::{affine_at, WeightMode};
use super::FixedPointChip;

/// A 2-D convolution with constant weights: every output element is one [`affine`] map over
/// the input cells that [`ConvGeometry::taps`] names (padding taps are absent, i.e. zero).
/// Outputs are in row-major `(n, oc, oh, ow)` order.
#[derive(Debug)]
pub struct ConvLayer<'a> {
    /// Input shape, kernel, strides, pads, dilations, groups.
    pub geometry: &'a ConvGeometry,
    /// `[OC, C/group, KH, KW]` row-major.
    pub weight: &'a [i64],
    /// One per output channel, at the input scale plus the weight scale.
    pub bias: &'a [i64],
    /// Bits to divide by after accumulating.
    pub shift: u32,
}

impl ConvLayer<'_> {
    /// Assigns the layer and returns its outputs (`q_hints`: the executor's outputs, in
    /// output order); `mode` says whether the weights are the constants
    /// [`weight`](Self::weight) and [`bias`](Self::bias) or witnessed cells in the same order.
    pub fn assign(
        &self,
        ctx: &mut Context<Fr>,
        chip: &FixedPointChip,
        x: &[AssignedValue<Fr>],
        mode: WeightMode<'_>,
        q_hints: &[i64],
    ) -> Vec<AssignedValue<Fr>> {
        self.geometry
            .outputs()
            .zip(q_hints)
            .map(|((n, oc, oh, ow), &q)| {
                let terms = self.geometry.taps(n, oc, oh, ow).into_iter().map(|(i, w)| (x[i], w));
                affine_at(ctx, chip, terms, oc, (self.weight, self.bias, mode), self.shift, q)
            })
            .collect()
    }
}
