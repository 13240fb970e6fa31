//! The desktop app driven like a user would, with egui_kittest, against the in-process server.
//! Here: the harness and the steps a person takes (click, double-click, drag, the context
//! menu); the tests by area in the modules below.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ferry::app::{AppStart, FerryApp};
use ferry::demo::server::ServerTls;
use ferry::*;

use crate::support::*;

mod bookmarks;
mod browse;
mod charset;
mod compare;
mod dialogs;
mod edit;
mod filter;
mod filters;
mod hostile_names;
mod keyboard;
mod menu_bar;
mod menus;
mod queue_restore;
mod search;
mod site_listing;
mod sites;
mod snapshots;
mod speed_limits;
mod start;
mod transfers;

type AppHarness = Harness<'static, Option<FerryApp>>;

/// The window size and frame pace every UI test uses.
fn builder() -> egui_kittest::HarnessBuilder<Option<FerryApp>> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 860.0))
        .with_step_dt(1.0 / 60.0)
}

/// The app, started on its first frame, in a harness from `builder`.
fn build(builder: egui_kittest::HarnessBuilder<Option<FerryApp>>, start: AppStart) -> AppHarness {
    builder.build_ui_state(
        move |ui, app: &mut Option<FerryApp>| {
            app.get_or_insert_with(|| {
                FerryApp::new(ui.ctx(), None, start.clone()).expect("the app starts")
            })
            .frame(ui);
        },
        None,
    )
}

fn harness(start: AppStart) -> AppHarness {
    build(builder(), start)
}

fn start(local: &Path, connect: Option<Site>) -> AppStart {
    AppStart {
        connect,
        local_dir: Some(local.to_path_buf()),
        ..AppStart::default()
    }
}

/// Steps the UI until `done` holds (the worker answers asynchronously), 20 s at most.
fn run_until(h: &mut AppHarness, what: &str, done: impl Fn(&FerryApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        h.step();
        if h.state().as_ref().is_some_and(&done) {
            // Let the layout settle (new windows size themselves over a few frames).
            h.run_steps(3);
            return;
        }
        if Instant::now() > deadline {
            let app = h.state().as_ref();
            let log = app.map(|a| a.log().text()).unwrap_or_default();
            let remote = app.map(|a| {
                (
                    a.remote().path.clone(),
                    a.remote().loading,
                    a.remote().error.clone(),
                )
            });
            let local = app.map(|a| (a.local.path.clone(), a.local.loading, a.local.error.clone()));
            panic!(
                "UI never reached: {what}; remote pane {remote:?}; local pane {local:?}; log: {log:#?}"
            );
        }
        std::thread::sleep(Duration::from_millis(15));
    }
}

fn app(h: &AppHarness) -> &FerryApp {
    h.state().as_ref().expect("the app started")
}

fn remote_has(name: &str) -> impl Fn(&FerryApp) -> bool + '_ {
    move |app| !app.remote().loading && app.remote().entries().iter().any(|e| e.name == name)
}

/// Where the remote pane's row named `label` is (the right half of the window).
fn remote_row(h: &AppHarness, label: &str) -> egui::Pos2 {
    let centers: Vec<egui::Pos2> = h
        .get_all_by_label(label)
        .map(|node| node.rect().center())
        .filter(|center| center.x > 640.0)
        .collect();
    assert_eq!(centers.len(), 1, "remote rows named {label:?}: {centers:?}");
    centers[0]
}

/// Presses and releases `button` at `pos` `times` times, a frame apart (as a person would).
fn click_at(h: &mut AppHarness, pos: egui::Pos2, button: egui::PointerButton, times: usize) {
    h.event(egui::Event::PointerMoved(pos));
    h.step();
    for _ in 0..times {
        for pressed in [true, false] {
            h.event(egui::Event::PointerButton {
                pos,
                button,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
        h.step();
    }
}

/// A double-click on a remote row, after resting the pointer on it a moment as a person does.
fn double_click(h: &mut AppHarness, label: &str) {
    let pos = remote_row(h, label);
    h.event(egui::Event::PointerMoved(pos));
    h.run_steps(10);
    click_at(h, pos, egui::PointerButton::Primary, 2);
}

fn connected_app(server: &Server, local: &Path) -> AppHarness {
    let mut h = harness(start(local, Some(server.site(Protocol::Ftp))));
    run_until(&mut h, "connected with the listing shown", |a| {
        a.is_connected() && !a.remote().loading
    });
    h
}

fn context_menu(h: &mut AppHarness, row: &str, item: &str) {
    let pos = remote_row(h, row);
    click_at(h, pos, egui::PointerButton::Secondary, 1);
    h.run_steps(2);
    // The menu bar may have an item of the same name ("Edit"): the popup's is the last one.
    h.get_all_by_label(item)
        .last()
        .expect("the context menu's item")
        .click();
    h.run_steps(2);
}

/// Presses at `from`, moves in steps to `to`, releases there.
fn drag(h: &mut AppHarness, from: egui::Pos2, to: egui::Pos2) {
    h.event(egui::Event::PointerMoved(from));
    h.run_steps(5);
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    for i in 1..=10 {
        h.event(egui::Event::PointerMoved(
            from + (to - from) * (i as f32 / 10.0),
        ));
        h.step();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(2);
}

/// Replaces the text of the open dialog (its field has the keyboard focus) and presses OK.
pub(crate) fn type_into_dialog(h: &mut AppHarness, text: &str) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    let focused: Vec<_> = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .filter(|n| n.is_focused())
        .collect();
    assert_eq!(focused.len(), 1, "one focused field in the dialog");
    focused[0].type_text(text);
    h.step();
    h.get_by_label("OK").click();
    h.run_steps(2);
}
