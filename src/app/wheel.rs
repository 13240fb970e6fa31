//! Mouse-wheel notches: scrolled in the frame they arrive, and painted once. egui spreads a
//! notch (a `Line` wheel event, what X11 and Windows wheels send) over about ten frames to look
//! smooth, and any frame with input asks for two more to let hovering settle; without a GPU
//! each painted frame costs tens of milliseconds, so a wheel step cost three to ten frames
//! where FileZilla draws one. A plain notch is therefore taken out of the frame's events and
//! handed to the scroll area under the pointer directly ([`Wheel::scroll`]), and the frame is
//! laid out again before it is painted (egui's `request_discard`) until the row highlighted is
//! the one under the pointer after the scroll: one paint, and nothing asked for after it. A
//! pass costs a fraction of a paint (about a fifth, with Mesa's llvmpipe).
//! Notches with modifiers (zoom, sideways) stay egui's, given at once (as the start of a touch
//! scroll); trackpads (point deltas, their own phases) are left as they are.

use egui::{Event, MouseWheelUnit, RawInput, TouchPhase, Vec2};

/// The distance of the notches taken out of this frame's events, in points, and whether this
/// frame's first pass scrolled.
#[derive(Debug, Default)]
pub struct Wheel {
    pending: Vec2,
    scrolled: bool,
}

/// The passes a scrolled frame is laid out in before it is painted: the scroll area applies the
/// wheel at the end of the first, the second lays the content out where it moved, the third
/// finds what the pointer is over in that layout, and the fourth paints it highlighted (a table
/// highlights the row hovered in the pass before).
const PASSES: usize = 4;

impl Wheel {
    /// Lets egui lay a frame out [`PASSES`] times.
    pub fn new(ctx: &egui::Context) -> Self {
        ctx.options_mut(|o| {
            let passes = std::num::NonZeroUsize::new(PASSES).expect("not zero");
            o.max_passes = o.max_passes.max(passes);
        });
        Wheel::default()
    }

    /// Before the frame's pass (eframe's `raw_input_hook`): takes the plain notches out of
    /// `raw`'s events, keeping their distance as egui would measure it, and has egui apply the
    /// rest of the notches in full in this frame.
    pub fn take_notches(&mut self, ctx: &egui::Context, raw: &mut RawInput) {
        // Most frames have none: nothing to look up for them.
        if !raw.events.iter().any(is_notch) {
            return;
        }
        let line = ctx.options(|o| o.input_options.line_scroll_speed);
        let page = raw
            .screen_rect
            .unwrap_or_else(|| ctx.viewport_rect())
            .height();
        raw.events.retain(|event| match event {
            Event::MouseWheel {
                unit: unit @ (MouseWheelUnit::Line | MouseWheelUnit::Page),
                delta,
                phase: TouchPhase::Move,
                modifiers,
                ..
            } if modifiers.is_none() => {
                let step = match unit {
                    MouseWheelUnit::Page => page,
                    _ => line,
                };
                self.pending += step * *delta;
                false
            }
            _ => true,
        });
        unsmoothed(&mut raw.events);
    }

    /// At the start of each pass: gives the taken notches to whichever scroll area the pointer
    /// is over, and has a scrolled frame laid out again until what it paints has settled.
    pub fn scroll(&mut self, ctx: &egui::Context) {
        let pass = ctx.current_pass_index();
        if pass == 0 {
            self.scrolled = false;
        }
        let pending = std::mem::take(&mut self.pending);
        if pending != Vec2::ZERO {
            ctx.input_mut(|i| i.smooth_scroll_delta += pending);
            self.scrolled = true;
        }
        if self.scrolled && pass + 1 < PASSES {
            ctx.request_discard("a wheel notch scrolled: the rows and the one hovered moved");
        }
    }
}

/// Rewrites this frame's wheel notches so egui applies each in full in this frame.
fn unsmoothed(events: &mut Vec<Event>) {
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
    use egui::{Modifiers, ScrollArea, Sense};
    use egui_kittest::Harness;
    use std::time::Duration;

    /// The pointer, resting on the list.
    const POINTER: egui::Pos2 = egui::pos2(20.0, 160.0);

    /// What the last pass of the test's window laid out.
    #[derive(Default)]
    struct Seen {
        wheel: Wheel,
        offset: f32,
        passes: usize,
        /// The row under the pointer, by its rectangle in this pass.
        under_pointer: Option<usize>,
        /// The row hovered in the pass before, painted highlighted in this one (what
        /// egui_extras' tables, the panes', do).
        highlighted: Option<usize>,
        hovered_before: Option<usize>,
    }

    /// A window with a long list whose rows highlight as egui_extras' table rows do, the
    /// pointer on it.
    fn list() -> Harness<'static, Seen> {
        let mut harness = Harness::builder()
            .with_size(egui::vec2(400.0, 300.0))
            .build_ui_state(
                |ui, seen: &mut Seen| {
                    seen.wheel.scroll(ui.ctx());
                    seen.passes += 1;
                    let highlight = seen.hovered_before.take();
                    seen.highlighted = None;
                    seen.under_pointer = None;
                    let out = ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
                        for row in 0..500 {
                            let label = egui::Label::new(format!("row {row}"));
                            let response = ui.add(label.sense(Sense::hover()));
                            if response.hovered() {
                                seen.hovered_before = Some(row);
                            }
                            if highlight == Some(row) {
                                seen.highlighted = Some(row);
                            }
                            if response.rect.contains(POINTER) {
                                seen.under_pointer = Some(row);
                            }
                        }
                    });
                    seen.offset = out.state.clamped_offset().y;
                },
                Seen::default(),
            );
        harness.state_mut().wheel = Wheel::new(&harness.ctx);
        harness.hover_at(POINTER);
        harness.run();
        harness
    }

    /// One wheel notch down, as X11 and Windows wheels send it.
    fn notch_down(modifiers: Modifiers) -> Event {
        Event::MouseWheel {
            unit: MouseWheelUnit::Line,
            delta: egui::vec2(0.0, -1.0),
            phase: TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers,
        }
    }

    /// Gives `harness` one wheel notch down (with `modifiers`), through the hook when `hook`,
    /// and runs frames as eframe would: one for the event, then one for each repaint egui asks
    /// for within a frame's time. The frames painted.
    fn notch(harness: &mut Harness<'static, Seen>, hook: bool, modifiers: Modifiers) -> usize {
        harness.input_mut().events.push(notch_down(modifiers));
        if hook {
            let ctx = harness.ctx.clone();
            let mut raw = std::mem::take(harness.input_mut());
            harness.state_mut().wheel.take_notches(&ctx, &mut raw);
            *harness.input_mut() = raw;
        }
        let mut painted = 0;
        loop {
            harness.step();
            painted += 1;
            let wait = harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
            if wait > Duration::from_millis(20) || painted > 20 {
                return painted;
            }
        }
    }

    #[test]
    fn a_wheel_notch_scrolls_as_far_as_eguis_own_and_is_painted_once_with_the_hover_settled() {
        let mut egui_alone = list();
        let before = egui_alone.state().under_pointer;
        assert!(before.is_some());
        assert_eq!(egui_alone.state().highlighted, before);
        let frames_alone = notch(&mut egui_alone, false, Modifiers::NONE);
        // egui's own way: smoothed over frames, ended when the list stopped.
        assert!(frames_alone >= 3, "{frames_alone}");
        let distance = egui_alone.state().offset;
        assert!(distance > 10.0, "{distance}");

        let mut hooked = list();
        hooked.state_mut().passes = 0;
        let frames = notch(&mut hooked, true, Modifiers::NONE);
        assert_eq!(frames, 1, "one frame painted for the notch");
        assert_eq!(
            hooked.state().passes,
            PASSES,
            "laid out again, painted once"
        );
        assert!(
            (hooked.state().offset - distance).abs() < 1.0,
            "as far as egui's own: {} vs {distance}",
            hooked.state().offset
        );
        let now_under = hooked.state().under_pointer;
        assert_ne!(now_under, before, "the list moved under the pointer");
        assert_eq!(
            hooked.state().highlighted,
            now_under,
            "the painted frame highlights the row now under the pointer"
        );
    }

    #[test]
    fn a_notch_with_a_modifier_stays_eguis_and_is_applied_in_full_at_once() {
        let mut harness = list();
        let frames = notch(&mut harness, true, Modifiers::SHIFT);
        // Shift turns the wheel sideways: this list does not scroll that way, and egui had it.
        assert_eq!(harness.state().offset, 0.0);
        assert!(frames <= 3, "{frames}");
        let mut events = vec![notch_down(Modifiers::COMMAND)];
        unsmoothed(&mut events);
        assert!(matches!(
            events[0],
            Event::MouseWheel {
                phase: TouchPhase::Start,
                ..
            }
        ));
        assert_eq!(events.len(), 2);
    }
}
