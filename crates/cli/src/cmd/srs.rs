use zkinfer_prover::{dev_srs, load_srs};

use crate::opts::SrsArgs;
use crate::output::Reporter;
use crate::paths;

impl SrsArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let srs = match (self.k, &self.info) {
            (Some(k), None) => {
                let cache = paths::cache_dir(self.cache_dir.as_deref());
                rep.step(&format!("dev SRS k={k}"), || dev_srs(k, &cache))?
            }
            (None, Some(path)) => rep.step("read SRS", || load_srs(path, None))?,
            _ => anyhow::bail!("give --k K (make the dev SRS) or --info FILE"),
        };
        if srs.is_insecure() {
            rep.warn(srs.describe());
        }
        rep.set("insecure", srs.is_insecure());
        rep.set("fileKeccak256", format!("0x{}", srs.file_hash));
        rep.set("knownCeremonyFile", srs.known_file());
        if !srs.is_insecure() && srs.known_file().is_none() {
            rep.warn(format!(
                "SRS file keccak256 0x{} matches no published Perpetual Powers of Tau file known to zkinfer",
                srs.file_hash
            ));
        }
        rep.line(srs.describe());
        Ok(())
    }
}
