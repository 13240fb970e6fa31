//! Which of the two compiled renderers draws the window, and the fallback between them. glow
//! (OpenGL) comes first: without a GPU (Mesa's llvmpipe, Windows' OpenGL 1.1 or WARP, Wine) it
//! starts where wgpu may not and costs less per frame; wgpu is tried when glow cannot start.
//! `FERRY_RENDERER=wgpu|glow` puts one first. The one that runs is said in the log and kept in
//! the data folder for `ferry --version --verbose`.

use std::path::{Path, PathBuf};

/// A renderer eframe can draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    Glow,
    Wgpu,
}

impl Renderer {
    pub fn name(self) -> &'static str {
        match self {
            Renderer::Glow => "glow (OpenGL)",
            Renderer::Wgpu => "wgpu (Vulkan, Metal, Direct3D 12 or OpenGL)",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Renderer::Glow => "glow",
            Renderer::Wgpu => "wgpu",
        }
    }

    pub fn eframe(self) -> eframe::Renderer {
        match self {
            Renderer::Glow => eframe::Renderer::Glow,
            Renderer::Wgpu => eframe::Renderer::Wgpu,
        }
    }
}

/// The order to try: glow then wgpu, unless `choice` (`FERRY_RENDERER`) names one to try first.
pub fn order(choice: Option<&str>) -> Result<[Renderer; 2], String> {
    match choice.map(|c| c.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("glow") => Ok([Renderer::Glow, Renderer::Wgpu]),
        Some("wgpu") => Ok([Renderer::Wgpu, Renderer::Glow]),
        Some(other) => Err(format!(
            "FERRY_RENDERER={other:?} is not a renderer: use glow or wgpu"
        )),
    }
}

/// Where the renderer of the last run is noted.
pub fn note_path(data_dir: &Path) -> PathBuf {
    data_dir.join("renderer")
}

/// Notes the renderer that runs (best effort: only `--version --verbose` reads it).
pub fn note(data_dir: Option<&Path>, renderer: Renderer) {
    if let Some(dir) = data_dir {
        let _ = std::fs::create_dir_all(dir);
        let _ = crate::common::atomic_file::write_atomically(
            &note_path(dir),
            renderer.key().as_bytes(),
        );
    }
}

/// What `ferry --version --verbose` says about rendering.
pub fn describe(data_dir: Option<&Path>) -> String {
    let order = order(std::env::var("FERRY_RENDERER").ok().as_deref());
    let mut text = match order {
        Ok([first, second]) => format!(
            "renderers: {} first, then {} if it cannot start",
            first.name(),
            second.name()
        ),
        Err(e) => format!("renderers: {e}"),
    };
    let last = data_dir
        .and_then(|d| std::fs::read_to_string(note_path(d)).ok())
        .and_then(|key| match key.trim() {
            "glow" => Some(Renderer::Glow),
            "wgpu" => Some(Renderer::Wgpu),
            _ => None,
        });
    match last {
        Some(r) => text.push_str(&format!("\nlast run drew with: {}", r.name())),
        None => text.push_str("\nlast run drew with: (no run recorded)"),
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glow_comes_first_unless_wgpu_is_asked_for() {
        assert_eq!(order(None).unwrap(), [Renderer::Glow, Renderer::Wgpu]);
        assert_eq!(
            order(Some(" WGPU ")).unwrap(),
            [Renderer::Wgpu, Renderer::Glow]
        );
        assert_eq!(
            order(Some("glow")).unwrap(),
            [Renderer::Glow, Renderer::Wgpu]
        );
        assert!(order(Some("vulkan")).unwrap_err().contains("glow or wgpu"));
    }

    #[test]
    fn the_renderer_that_ran_is_described() {
        let dir = tempfile::tempdir().unwrap();
        assert!(describe(Some(dir.path())).contains("no run recorded"));
        note(Some(dir.path()), Renderer::Wgpu);
        assert!(describe(Some(dir.path())).contains("last run drew with: wgpu"));
    }
}
