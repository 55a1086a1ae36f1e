// Painting private windows out of a capture, before anything else sees the pixels. Pure functions of
// their input: no X, no JS, any thread.
#pragma once

#include <cstdint>
#include <vector>

#include "shm_grabber.h"

namespace worktrace {

// One top-level window as it sits on the screen (root coordinates, frame included).
struct StackedWindow {
  Rect frame;
  bool isPrivate = false;
};

struct RedactionPlan {
  // Rectangles to paint, relative to the captured area, disjoint.
  std::vector<Rect> paint;
  // Per window (same order as given): a private window with at least one pixel visible in the area.
  std::vector<bool> hidden;
  // How many private windows had something visible: what the screenshot records.
  int hiddenWindows = 0;
};

// The visible part of every private window inside `area`. Windows come bottom to top (stacking order).
// A non-private window above a private one keeps its pixels; a private window above anything is painted
// whole. Computed in horizontal bands between window edges: in each band the windows are walked from
// the top down, each one's span minus what the windows above it already cover is what shows of it.
RedactionPlan PlanRedaction(const std::vector<StackedWindow>& bottomToTop, const Rect& area);

// The solid colour private windows are painted with (a dark grey no screen theme uses for a whole window).
constexpr uint8_t kRedactedGrey = 0x3c;

// Paints `rects` (inside the image) with kRedactedGrey; alpha, when there is one, stays 255.
void PaintRedacted(uint8_t* pixels, int width, int height, int channels, const std::vector<Rect>& rects);

}  // namespace worktrace
