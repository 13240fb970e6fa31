//! Opening the window: the renderers tried in order, eframe's options, and the allocator
//! setting frames need.

use std::cell::RefCell;
use std::rc::Rc;

use crate::api::LogKind;

use super::{AppStart, FerryApp, renderer, unfilled_panels};

/// Opens the window and runs until it is closed: with the first renderer of
/// [`renderer::order`], or the second when the first cannot start (eframe takes one renderer
/// per `run_native`, and keeps its event loop between runs).
pub fn run(start: AppStart) -> Result<(), String> {
    keep_freed_memory();
    let order = renderer::order(std::env::var("FERRY_RENDERER").ok().as_deref())?;
    let data_dir = start.data_dir.clone();
    let start = Rc::new(RefCell::new(Some(start)));
    let mut failed: Vec<String> = Vec::new();
    for renderer in order {
        let note = match failed.last() {
            None => format!("Drawing with the {} renderer", renderer.name()),
            Some(why) => format!("{why}; drawing with the {} renderer", renderer.name()),
        };
        let waiting = Rc::clone(&start);
        let dir = data_dir.clone();
        let result = eframe::run_native(
            "Ferry",
            native_options(renderer),
            Box::new(move |cc| {
                let start = waiting.borrow_mut().take().ok_or("the app started twice")?;
                let mut app = FerryApp::new(&cc.egui_ctx, cc.storage, start)?;
                unfilled_panels(&cc.egui_ctx);
                app.say(LogKind::Status, note);
                renderer::note(dir.as_deref(), renderer);
                Ok(Box::new(app))
            }),
        );
        match result {
            Ok(()) => return Ok(()),
            // No event loop (no display to talk to): no renderer can help, and winit cannot
            // make a second one in this process.
            Err(e @ eframe::Error::WinitEventLoop(_)) => {
                return Err(format!(
                    "cannot open a window: no display to talk to (is DISPLAY or WAYLAND_DISPLAY \
                     set? the command line works without one: ferry --help): {e}"
                ));
            }
            // The app never started: this renderer could not open the window.
            Err(e) if start.borrow().is_some() => {
                let why = format!("The {} renderer could not start ({e})", renderer.name());
                eprintln!("ferry: {why}");
                failed.push(why);
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    Err(format!(
        "no renderer could open the window: {}",
        failed.join("; ")
    ))
}

fn native_options(renderer: renderer::Renderer) -> eframe::NativeOptions {
    eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Ferry")
            .with_app_id("ferry")
            .with_inner_size([1280.0, 860.0])
            .with_min_inner_size([720.0, 480.0])
            .with_icon(window_icon()),
        persist_window: true,
        renderer: renderer.eframe(),
        // No dithering: Ferry draws flat colours, and the noise it adds is shader work on
        // every pixel of every frame (a fifth of a wheel step's CPU with Mesa's llvmpipe).
        dithering: false,
        ..Default::default()
    }
}

/// Tells glibc's allocator to keep up to 8 MiB of freed memory at the top of the heap instead
/// of handing it back to the OS at once. Every frame allocates and frees a few megabytes (the
/// tessellated shapes, the renderer's copies of them); with glibc's defaults the heap's top was
/// given back and taken again about 25 times a frame (`brk`), and the fresh pages' faults and
/// zeroing were a tenth of a frame's CPU under software rendering. Other allocators and
/// systems are left as they are.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // 8 MiB: as fast as 64 MiB in a measured run of pointer moves and wheel steps (a
        // third and a fifth less CPU than glibc's 128 KiB), and at most 8 MiB kept.
        const KEEP: i32 = 8 << 20;
        // SAFETY: mallopt only sets allocator parameters (under the allocator's own lock), and
        // takes no pointers.
        unsafe {
            libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP);
        }
    }
}

/// The window icon: Ferry's icon at 256 px (`packaging/icons.sh` renders it from `assets/ferry.svg`).
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/ferry-256.png"))
        .unwrap_or_default()
}
