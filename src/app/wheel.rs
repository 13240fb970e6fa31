//! Mouse-wheel notches scroll in the frame they arrive. egui spreads a notch (a `Line` wheel
//! event, what X11 and Windows wheels send) over about ten frames to look smooth; without a GPU
//! each frame costs tens of milliseconds, so a wheel step cost ten frames where FileZilla draws
//! one. A notch is therefore given to egui as the start of a touch scroll, which egui applies
//! at once; trackpads (point deltas, their own phases) are left as they are.

use egui::{Event, MouseWheelUnit, TouchPhase, Vec2};

/// Rewrites this frame's wheel notches so egui applies each in full in this frame.
pub fn unsmoothed(events: &mut Vec<Event>) {
    if !events.iter().any(is_notch) {
        return;
    }
    let mut out = Vec::with_capacity(events.len() + 1);
    for event in events.drain(..) {
        if let Event::MouseWheel {
            unit,
            source,
            modifiers,
            ..
        } = &event
            && is_notch(&event)
        {
            out.push(Event::MouseWheel {
                unit: *unit,
                delta: Vec2::ZERO,
                phase: TouchPhase::Start,
                source: *source,
                modifiers: *modifiers,
            });
        }
        out.push(event);
    }
    *events = out;
}

fn is_notch(event: &Event) -> bool {
    matches!(
        event,
        Event::MouseWheel {
            unit: MouseWheelUnit::Line | MouseWheelUnit::Page,
            phase: TouchPhase::Move,
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What scrolling one wheel notch hands to the widgets: the frames it is spread over, and
    /// the whole distance.
    fn one_notch(hook: bool) -> (usize, f32) {
        let mut harness = egui_kittest::Harness::builder()
            .with_size(egui::vec2(400.0, 300.0))
            .build_ui_state(
                |ui, seen: &mut Vec<f32>| {
                    let delta = ui.input(|i| i.smooth_scroll_delta().y);
                    if delta != 0.0 {
                        seen.push(delta);
                    }
                },
                Vec::new(),
            );
        harness.hover_at(egui::pos2(100.0, 100.0));
        harness.run();
        let mut events = vec![Event::MouseWheel {
            unit: MouseWheelUnit::Line,
            delta: egui::vec2(0.0, -1.0),
            phase: TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        }];
        if hook {
            unsmoothed(&mut events);
        }
        // All in one frame, as eframe delivers them (kittest's `event` runs a frame for each).
        harness.input_mut().events.extend(events);
        harness.run();
        let seen = harness.state();
        (seen.len(), seen.iter().sum())
    }

    #[test]
    fn a_wheel_notch_scrolls_in_full_in_one_frame() {
        let (smoothed_frames, smoothed_distance) = one_notch(false);
        let (frames, distance) = one_notch(true);
        assert!(
            smoothed_frames >= 3,
            "egui alone spreads a notch over frames ({smoothed_frames})"
        );
        assert_eq!(frames, 1, "the whole notch in one frame");
        assert!(
            distance < -10.0 && (distance - smoothed_distance).abs() < 1.0,
            "the same distance as egui's own: {distance} vs {smoothed_distance}"
        );
    }
}
