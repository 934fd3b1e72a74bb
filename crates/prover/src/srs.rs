use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use halo2_base::halo2_proofs::halo2curves::bn256::{Bn256, Fr, G2Affine};
use halo2_base::halo2_proofs::halo2curves::group::ff::Field;

use crate::fast_setup::dev_params;
use halo2_base::halo2_proofs::poly::commitment::Params;
use halo2_base::halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2_base::halo2_proofs::SerdeFormat;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::{Error, Result};

/// Seed of the insecure development SRS. Its toxic waste is public knowledge: anyone can forge
/// proofs against it. Tests and demos only.
pub(crate) const DEV_SEED: [u8; 32] = *b"zkinfer insecure dev srs v1 seed";

/// Where an SRS came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SrsOrigin {
    /// Generated locally from the public [`DEV_SEED`]: INSECURE.
    InsecureDev,
    /// Read from a file that is not the dev SRS (e.g. a Perpetual Powers of Tau file).
    File(PathBuf),
}

/// A KZG structured reference string cut to the size a circuit needs.
#[derive(Debug)]
pub struct Srs {
    /// The parameters.
    pub params: ParamsKZG<Bn256>,
    /// Where they came from.
    pub origin: SrsOrigin,
}

impl Srs {
    /// Whether a proof against this SRS is worth anything.
    pub fn is_insecure(&self) -> bool {
        self.origin == SrsOrigin::InsecureDev
    }

    /// A one-line description, loud when insecure.
    pub fn describe(&self) -> String {
        match &self.origin {
            SrsOrigin::InsecureDev => format!(
                "WARNING: INSECURE development SRS (k={}): its secret is public, proofs against it can be forged. For production pass --srs <Perpetual Powers of Tau file, halo2 raw format>",
                self.params.k()
            ),
            SrsOrigin::File(p) => format!("SRS from {} (k={}), not the insecure dev SRS", p.display(), self.params.k()),
        }
    }
}

/// The dev SRS's secret `s`, drawn exactly as `ParamsKZG::setup` draws it from its rng (one
/// `Fr::random` call), so that [`dev_params`] and `setup` with [`DEV_SEED`] agree.
pub(crate) fn dev_secret() -> Fr {
    Fr::random(ChaCha20Rng::from_seed(DEV_SEED))
}

/// `[s]G2` of the dev SRS: the fingerprint that identifies it wherever it is loaded from.
fn dev_s_g2() -> G2Affine {
    (G2Affine::generator() * dev_secret()).into()
}

/// The dev SRS for `2^k` rows, from `cache_dir` or generated there (see [`dev_params`] for
/// the cost). Files are written in halo2's raw format, the format of the ceremony files.
pub fn dev_srs(k: u32, cache_dir: &Path) -> Result<Srs> {
    let path = cache_dir.join(format!("kzg_bn254_{k}.dev.srs"));
    if path.exists() {
        let srs = load_srs(&path, Some(k))?;
        if srs.is_insecure() {
            return Ok(srs);
        }
    }
    let params = dev_params(k);
    std::fs::create_dir_all(cache_dir).map_err(Error::io(cache_dir))?;
    // Write then rename, so that parallel runs never read a half-written file.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut w = BufWriter::new(File::create(&tmp).map_err(Error::io(&tmp))?);
    params.write_custom(&mut w, SerdeFormat::RawBytes).map_err(Error::io(&tmp))?;
    w.flush().map_err(Error::io(&tmp))?;
    drop(w);
    std::fs::rename(&tmp, &path).map_err(Error::io(&path))?;
    Ok(Srs { params, origin: SrsOrigin::InsecureDev })
}

/// Loads an SRS in halo2's raw format (as the Perpetual Powers of Tau conversions are
/// published: `k` as u32 LE, `2^k` G1 points, `2^k` Lagrange G1 points, G2, `[s]G2`), checks
/// every point, and cuts it down to `2^k` rows (`None`: keeps the file's size).
pub fn load_srs(path: &Path, k: Option<u32>) -> Result<Srs> {
    let bad = |reason: String| Error::Srs { path: path.to_owned(), reason };
    let size = std::fs::metadata(path).map_err(Error::io(path))?.len();
    let mut reader = BufReader::new(File::open(path).map_err(Error::io(path))?);
    let mut head = [0u8; 4];
    std::io::Read::read_exact(&mut reader, &mut head).map_err(|e| bad(format!("no header: {e}")))?;
    let file_k = u32::from_le_bytes(head);
    if file_k > 28 {
        return Err(bad(format!("header says k={file_k}: not a halo2 SRS file")));
    }
    let n = 1u64 << file_k;
    let raw = 4 + 2 * n * 64 + 2 * 128;
    let processed = 4 + 2 * n * 32 + 2 * 64;
    let format = if size == raw {
        SerdeFormat::RawBytes
    } else if size == processed {
        SerdeFormat::Processed
    } else {
        return Err(bad(format!(
            "size {size} bytes fits neither the raw ({raw}) nor the compressed ({processed}) layout for k={file_k}"
        )));
    };
    let k = k.unwrap_or(file_k);
    if file_k < k {
        return Err(bad(format!("has 2^{file_k} points; the circuit needs k={k}")));
    }
    let mut reader = BufReader::new(File::open(path).map_err(Error::io(path))?);
    let mut params = ParamsKZG::<Bn256>::read_custom(&mut reader, format)
        .map_err(|e| bad(format!("invalid point data: {e}")))?;
    if params.g2() != G2Affine::generator() {
        return Err(bad("its G2 generator is not the BN254 generator".into()));
    }
    if file_k > k {
        params.downsize(k);
    }
    let origin =
        if params.s_g2() == dev_s_g2() { SrsOrigin::InsecureDev } else { SrsOrigin::File(path.to_owned()) };
    Ok(Srs { params, origin })
}
