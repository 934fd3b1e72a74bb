use serde::{Deserialize, Serialize};

/// The geometry of a 2-D convolution (ONNX `Conv`, NCHW, `auto_pad = NOTSET`): one definition
/// of which input meets which weight, shared by the integer executor and the circuit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvGeometry {
    /// Input `[N, C, H, W]`.
    pub input: [usize; 4],
    /// Output channels.
    pub out_channels: usize,
    /// `[KH, KW]`.
    pub kernel: [usize; 2],
    /// `[stride_h, stride_w]`.
    pub strides: [usize; 2],
    /// `[top, left, bottom, right]`.
    pub pads: [usize; 4],
    /// `[dilation_h, dilation_w]`.
    pub dilations: [usize; 2],
    /// Channel groups (`C` and `out_channels` are multiples of it).
    pub group: usize,
    /// `[1, 1]` for Conv. For ConvTranspose `[stride_h, stride_w]`: the input is spread over
    /// a grid with `spread - 1` zeros between neighbours (`(H - 1) * spread + 1` rows), which
    /// `pads` then pad; taps on the zeros are absent.
    #[serde(default = "no_spread", skip_serializing_if = "is_no_spread")]
    pub spread: [usize; 2],
}

fn no_spread() -> [usize; 2] {
    [1, 1]
}

fn is_no_spread(s: &[usize; 2]) -> bool {
    *s == [1, 1]
}

impl ConvGeometry {
    /// `[N, out_channels, OH, OW]`, or `None` when the kernel does not fit the padded input.
    pub fn output(&self) -> Option<[usize; 4]> {
        let [n, _, h, w] = self.input;
        let (h, w) = (self.spread_size(h, 0), self.spread_size(w, 1));
        let dim = |size: usize, pad: usize, k: usize, d: usize, s: usize| {
            let span = d * (k - 1) + 1;
            (size + pad >= span && s > 0).then(|| (size + pad - span) / s + 1)
        };
        let oh = dim(h, self.pads[0] + self.pads[2], self.kernel[0], self.dilations[0], self.strides[0])?;
        let ow = dim(w, self.pads[1] + self.pads[3], self.kernel[1], self.dilations[1], self.strides[1])?;
        Some([n, self.out_channels, oh, ow])
    }

    fn spread_size(&self, size: usize, axis: usize) -> usize {
        if size == 0 {
            0
        } else {
            (size - 1) * self.spread[axis] + 1
        }
    }

    /// Number of weights: `out_channels * C / group * KH * KW`.
    pub fn weight_len(&self) -> usize {
        self.out_channels * (self.input[1] / self.group) * self.kernel[0] * self.kernel[1]
    }

    /// Whether the numbers hold together (checked when a compiled model is read).
    pub fn is_consistent(&self) -> bool {
        self.group > 0
            && self.input[1] % self.group == 0
            && self.out_channels % self.group == 0
            && self
                .kernel
                .iter()
                .chain(&self.dilations)
                .chain(&self.strides)
                .chain(&self.spread)
                .all(|&v| v > 0)
            && self.output().is_some()
    }

    /// For output element `(n, oc, oh, ow)`: the `(flat input index, flat weight index)` pairs
    /// it sums; taps that fall on padding are absent (they contribute zero).
    pub fn taps(&self, n: usize, oc: usize, oh: usize, ow: usize) -> Vec<(usize, usize)> {
        let [_, c, h, w] = self.input;
        let per_group_in = c / self.group;
        let per_group_out = self.out_channels / self.group;
        let g = oc / per_group_out;
        let [kh, kw] = self.kernel;
        let mut taps = Vec::with_capacity(per_group_in * kh * kw);
        for icg in 0..per_group_in {
            let ic = g * per_group_in + icg;
            for ky in 0..kh {
                let y = (oh * self.strides[0] + ky * self.dilations[0]).checked_sub(self.pads[0]);
                let y = y.filter(|&y| y % self.spread[0] == 0).map(|y| y / self.spread[0]);
                let Some(y) = y.filter(|&y| y < h) else { continue };
                for kx in 0..kw {
                    let x = (ow * self.strides[1] + kx * self.dilations[1]).checked_sub(self.pads[1]);
                    let x = x.filter(|&x| x % self.spread[1] == 0).map(|x| x / self.spread[1]);
                    let Some(x) = x.filter(|&x| x < w) else { continue };
                    let input = ((n * c + ic) * h + y) * w + x;
                    let weight = ((oc * per_group_in + icg) * kh + ky) * kw + kx;
                    taps.push((input, weight));
                }
            }
        }
        taps
    }

    /// Every output element in row-major order `(n, oc, oh, ow)`.
    pub fn outputs(&self) -> impl Iterator<Item = (usize, usize, usize, usize)> {
        let [n, oc, oh, ow] = self.output().unwrap_or([0; 4]);
        (0..n).flat_map(move |a| {
            (0..oc).flat_map(move |b| (0..oh).flat_map(move |c| (0..ow).map(move |d| (a, b, c, d))))
        })
    }
}
