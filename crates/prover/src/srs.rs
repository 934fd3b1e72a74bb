use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use halo2_base::halo2_proofs::arithmetic::best_multiexp;
use halo2_base::halo2_proofs::halo2curves::bn256::{pairing, Bn256, Fr, G1Affine, G2Affine};
use halo2_base::halo2_proofs::halo2curves::group::ff::Field;
use halo2_base::halo2_proofs::halo2curves::group::Curve;
use halo2_base::halo2_proofs::poly::commitment::{Blind, ParamsProver};
use halo2_base::halo2_proofs::poly::EvaluationDomain;
use sha3::{Digest, Keccak256};

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

/// Perpetual Powers of Tau files in halo2's raw format whose keccak256 zkinfer knows, as
/// `(keccak256 hex of the whole file, what it is)`.
///
/// EMPTY ON PURPOSE: no published hash of a halo2-format conversion of the ceremony could be
/// found. The figures that are published (searched 2026-12-06) are blake2b-512 hashes of the
/// snarkjs `.ptau` files `powersOfTau28_hez_final_NN.ptau` (listed in the iden3/snarkjs README
/// and copied into e.g. ftsrg/zkWF `pkg/powersoftau/table.go`) and blake2b hashes of the
/// ceremony's challenge/response files (privacy-scaling-explorations/perpetualpowersoftau);
/// neither is a hash of the files zkinfer reads, so neither can be compared here. Add an entry
/// only with a hash published for the exact file.
pub const KNOWN_CEREMONY_FILES: &[(&str, &str)] = &[];

/// The published ceremony file whose keccak256 is `hash` (lowercase hex), if any.
pub fn known_ceremony_file(hash: &str) -> Option<&'static str> {
    KNOWN_CEREMONY_FILES.iter().find(|(h, _)| h.eq_ignore_ascii_case(hash)).map(|&(_, name)| name)
}

/// A KZG structured reference string cut to the size a circuit needs.
#[derive(Debug)]
pub struct Srs {
    /// The parameters.
    pub params: ParamsKZG<Bn256>,
    /// Where they came from.
    pub origin: SrsOrigin,
    /// keccak256 (lowercase hex, no `0x`) of the SRS file as read or written, before any
    /// cut: it names the file, whatever size the circuit takes from it.
    pub file_hash: String,
}

impl Srs {
    /// Whether a proof against this SRS is worth anything.
    pub fn is_insecure(&self) -> bool {
        self.origin == SrsOrigin::InsecureDev
    }

    /// The published ceremony file this SRS's file is, when its hash is in
    /// [`KNOWN_CEREMONY_FILES`].
    pub fn known_file(&self) -> Option<&'static str> {
        known_ceremony_file(&self.file_hash)
    }

    /// A description, loud when insecure or when the file matches no published ceremony file.
    pub fn describe(&self) -> String {
        let hash = format!("file keccak256 0x{}", self.file_hash);
        match &self.origin {
            SrsOrigin::InsecureDev => format!(
                "WARNING: INSECURE development SRS (k={}, {hash}): its secret is public, proofs against it can be forged. For production pass --srs <Perpetual Powers of Tau file, halo2 raw format>",
                self.params.k()
            ),
            SrsOrigin::File(p) => {
                let provenance = match self.known_file() {
                    Some(name) => format!("MATCHES the published ceremony file {name}"),
                    None => "WARNING: matches NO published Perpetual Powers of Tau file known to zkinfer: \
                             its powers are consistent, but only its origin tells whether anyone knows \
                             its secret; check the hash against the ceremony's own publication"
                        .to_owned(),
                };
                format!(
                    "SRS from {} (k={}, {hash}), not the insecure dev SRS; g[0] is the generator and \
                     the powers pass the pairing check; {provenance}",
                    p.display(),
                    self.params.k()
                )
            }
        }
    }
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Keccak256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// A writer that hashes what passes through it.
struct HashingWriter<W> {
    inner: W,
    hasher: Keccak256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Checks that `params` are powers of one secret: `g[0]` is the G1 generator, and with random
/// `r_i`, `e(sum r_i g[i+1], G2) = e(sum r_i g[i], [s]G2)` (one pairing equation that any
/// inconsistent power fails except with probability about `1/p`); and that the Lagrange points
/// are the Lagrange basis of those powers: `sum_j r_j L_j = sum_i a_i g[i]` with `a` the
/// coefficients of the polynomial taking the values `r_j` on the domain (two MSMs; skipped
/// without `lagrange`, when the caller recomputes them by downsizing). Returns why not.
fn check_powers(params: &ParamsKZG<Bn256>, lagrange: bool) -> std::result::Result<(), String> {
    let g = params.get_g();
    if g.first() != Some(&G1Affine::generator()) {
        return Err("g[0] is not the BN254 G1 generator: not a powers-of-tau file".into());
    }
    let mut rng = rand::rngs::OsRng;
    let n = g.len();
    if n > 1 {
        let r: Vec<Fr> = (0..n - 1).map(|_| Fr::random(&mut rng)).collect();
        let shifted = best_multiexp(&r, &g[1..]).to_affine();
        let unshifted = best_multiexp(&r, &g[..n - 1]).to_affine();
        if pairing(&shifted, &params.g2()) != pairing(&unshifted, &params.s_g2()) {
            return Err("its G1 points are not successive powers of the secret of its [s]G2 \
                        (pairing check e(sum r_i g[i+1], G2) = e(sum r_i g[i], [s]G2) failed): \
                        corrupted or forged"
                .into());
        }
    }
    if !lagrange {
        return Ok(());
    }
    let domain = EvaluationDomain::<Fr>::new(1, params.k());
    let mut values = domain.empty_lagrange();
    for v in values.iter_mut() {
        *v = Fr::random(&mut rng);
    }
    let by_lagrange = params.commit_lagrange(&values, Blind::default());
    let coeffs = domain.lagrange_to_coeff(values);
    if params.commit(&coeffs, Blind::default()) != by_lagrange {
        return Err("its Lagrange points are not the Lagrange basis of its powers: corrupted".into());
    }
    Ok(())
}

/// The dev SRS's secret `s`, drawn exactly as `ParamsKZG::setup` draws it from its rng (one
/// `Fr::random` call), so that [`dev_params`] and `setup` with [`DEV_SEED`] agree.
pub(crate) fn dev_secret() -> Fr {
    Fr::random(ChaCha20Rng::from_seed(DEV_SEED))
}

/// `[s]G2` of the dev SRS: the fingerprint that identifies it wherever it is loaded from.
pub fn dev_s_g2() -> G2Affine {
    (G2Affine::generator() * dev_secret()).into()
}

/// The dev SRS for `2^k` rows, from `cache_dir` or generated there (see [`dev_params`] for
/// the cost). Files are written in halo2's raw format, the format of the ceremony files.
pub fn dev_srs(k: u32, cache_dir: &Path) -> Result<Srs> {
    let path = cache_dir.join(format!("kzg_bn254_{k}.dev.srs"));
    if path.exists() {
        // Our own cache: the powers checks (four MSMs, about 10 s at k=19 on 2 cores) are
        // skipped; a corrupted cache file can only make proofs fail, and it is insecure anyway.
        let srs = read_srs(&path, Some(k), false)?;
        if srs.is_insecure() {
            return Ok(srs);
        }
    }
    let params = dev_params(k);
    std::fs::create_dir_all(cache_dir).map_err(Error::io(cache_dir))?;
    // Write then rename, so that parallel runs never read a half-written file.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let file = BufWriter::new(File::create(&tmp).map_err(Error::io(&tmp))?);
    let mut w = HashingWriter { inner: file, hasher: Keccak256::new() };
    params.write_custom(&mut w, SerdeFormat::RawBytes).map_err(Error::io(&tmp))?;
    w.flush().map_err(Error::io(&tmp))?;
    let file_hash = hex::encode(w.hasher.finalize());
    drop(w.inner);
    std::fs::rename(&tmp, &path).map_err(Error::io(&path))?;
    Ok(Srs { params, origin: SrsOrigin::InsecureDev, file_hash })
}

/// Loads an SRS in halo2's raw format (as the Perpetual Powers of Tau conversions are
/// published: `k` as u32 LE, `2^k` G1 points, `2^k` Lagrange G1 points, G2, `[s]G2`), checks
/// every point, that `g[0]` and G2 are the generators and that the powers and Lagrange points
/// are consistent (see `check_powers`; an inconsistent file is refused), hashes the file
/// (keccak256, compared with [`KNOWN_CEREMONY_FILES`]), and cuts it down to `2^k` rows
/// (`None`: keeps the file's size).
pub fn load_srs(path: &Path, k: Option<u32>) -> Result<Srs> {
    read_srs(path, k, true)
}

/// [`load_srs`], with the consistency checks of the powers only when `check`.
fn read_srs(path: &Path, k: Option<u32>, check: bool) -> Result<Srs> {
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
    let file = BufReader::new(File::open(path).map_err(Error::io(path))?);
    let mut reader = Hashing { inner: file, hasher: Keccak256::new() };
    let mut params = ParamsKZG::<Bn256>::read_custom(&mut reader, format)
        .map_err(|e| bad(format!("invalid point data: {e}")))?;
    let file_hash = hex::encode(reader.hasher.finalize());
    if params.g2() != G2Affine::generator() {
        return Err(bad("its G2 generator is not the BN254 generator".into()));
    }
    if check {
        check_powers(&params, file_k == k)
            .map_err(|reason| bad(format!("{reason} (file keccak256 0x{file_hash})")))?;
    } else if params.get_g().first() != Some(&G1Affine::generator()) {
        return Err(bad("g[0] is not the BN254 G1 generator: not a powers-of-tau file".into()));
    }
    if file_k > k {
        params.downsize(k);
    }
    let origin =
        if params.s_g2() == dev_s_g2() { SrsOrigin::InsecureDev } else { SrsOrigin::File(path.to_owned()) };
    Ok(Srs { params, origin, file_hash })
}

/// Chain id of local development chains (anvil, hardhat): the only chain an artifact made with
/// the insecure dev SRS is deployed to without being explicitly allowed.
pub const LOCAL_CHAIN_ID: u64 = 31337;

/// Whether keys described by `settings` (read from `settings_path`) may be deployed to
/// `chain_id`: `Ok(None)` yes; `Ok(Some(warning))` yes, because `allow_insecure` overrides a
/// refusal, with the warning to print loudly; `Err(`[`Error::InsecureSrs`]`)` refused: dev-SRS
/// keys on any chain but [`LOCAL_CHAIN_ID`].
pub fn deploy_srs_policy(
    settings: &crate::CircuitSettings,
    settings_path: &Path,
    chain_id: u64,
    allow_insecure: bool,
) -> Result<Option<String>> {
    if !settings.srs_insecure || chain_id == LOCAL_CHAIN_ID {
        return Ok(None);
    }
    if !allow_insecure {
        return Err(Error::InsecureSrs {
            settings: settings_path.to_owned(),
            chain_id,
            local: LOCAL_CHAIN_ID,
        });
    }
    Ok(Some(format!(
        "WARNING: --allow-insecure-srs: deploying a verifier made with the INSECURE development SRS to chain id \
         {chain_id}. Its secret is public (derived from a seed in zkinfer's source), so ANYONE can forge a proof \
         of any output for this model and this verifier will accept it. Nothing verified by it means anything; \
         use it only on a throwaway test network."
    )))
}

/// [`deploy_srs_policy`] for the keys in `key_dir` (its `settings.json`): the verifier
/// artifact does not record the SRS, the keys it was generated from do.
pub fn check_deploy_srs(key_dir: &Path, chain_id: u64, allow_insecure: bool) -> Result<Option<String>> {
    let path = key_dir.join("settings.json");
    let settings: crate::CircuitSettings = crate::read_json(&path)?;
    deploy_srs_policy(&settings, &path, chain_id, allow_insecure)
}
