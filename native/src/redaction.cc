#include "redaction.h"

#include <algorithm>
#include <cstring>

namespace worktrace {
namespace {

struct Box {
  int x0, y0, x1, y1;  // half-open, area coordinates
};

struct Span {
  int x0, x1;
};

// `spans` sorted and disjoint; adds [x0, x1) keeping them so.
void Cover(std::vector<Span>& spans, int x0, int x1) {
  std::vector<Span> merged;
  merged.reserve(spans.size() + 1);
  bool placed = false;
  for (const Span& s : spans) {
    if (s.x1 < x0) {
      merged.push_back(s);
    } else if (s.x0 > x1) {
      if (!placed) merged.push_back({x0, x1});
      placed = true;
      merged.push_back(s);
    } else {
      x0 = std::min(x0, s.x0);
      x1 = std::max(x1, s.x1);
    }
  }
  if (!placed) merged.push_back({x0, x1});
  spans.swap(merged);
}

// The parts of [x0, x1) that no span covers, appended to `out`.
void Uncovered(const std::vector<Span>& spans, int x0, int x1, std::vector<Span>& out) {
  int from = x0;
  for (const Span& s : spans) {
    if (s.x1 <= from) continue;
    if (s.x0 >= x1) break;
    if (s.x0 > from) out.push_back({from, s.x0});
    from = std::max(from, s.x1);
    if (from >= x1) return;
  }
  if (from < x1) out.push_back({from, x1});
}

}  // namespace

RedactionPlan PlanRedaction(const std::vector<StackedWindow>& bottomToTop, const Rect& area) {
  RedactionPlan plan;
  plan.hidden.assign(bottomToTop.size(), false);
  std::vector<Box> boxes(bottomToTop.size());
  std::vector<int> ys;
  bool anyPrivate = false;
  for (size_t i = 0; i < bottomToTop.size(); ++i) {
    const Rect& r = bottomToTop[i].frame;
    Box b{std::max(r.x, area.x) - area.x, std::max(r.y, area.y) - area.y,
          std::min(r.x + r.width, area.x + area.width) - area.x, std::min(r.y + r.height, area.y + area.height) - area.y};
    if (r.width <= 0 || r.height <= 0 || b.x0 >= b.x1 || b.y0 >= b.y1) b = Box{0, 0, 0, 0};  // not in the area
    boxes[i] = b;
    if (b.x0 == b.x1) continue;
    ys.push_back(b.y0);
    ys.push_back(b.y1);
    anyPrivate = anyPrivate || bottomToTop[i].isPrivate;
  }
  if (!anyPrivate) return plan;
  std::sort(ys.begin(), ys.end());
  ys.erase(std::unique(ys.begin(), ys.end()), ys.end());

  std::vector<Span> covered;
  std::vector<Span> pieces;
  for (size_t band = 0; band + 1 < ys.size(); ++band) {
    const int y0 = ys[band];
    const int y1 = ys[band + 1];
    covered.clear();
    // Band edges are window edges, so a window either spans the whole band or misses it.
    for (size_t i = boxes.size(); i-- > 0;) {
      const Box& b = boxes[i];
      if (b.x0 == b.x1 || b.y0 > y0 || b.y1 < y1) continue;
      if (bottomToTop[i].isPrivate) {
        pieces.clear();
        Uncovered(covered, b.x0, b.x1, pieces);
        for (const Span& s : pieces) plan.paint.push_back(Rect{s.x0, y0, s.x1 - s.x0, y1 - y0});
        if (!pieces.empty()) plan.hidden[i] = true;
      }
      Cover(covered, b.x0, b.x1);
    }
  }
  for (bool hidden : plan.hidden) plan.hiddenWindows += hidden ? 1 : 0;
  return plan;
}

void PaintRedacted(uint8_t* pixels, int width, int height, int channels, const std::vector<Rect>& rects) {
  if (rects.empty()) return;
  // One row of the colour, copied into every row of every rectangle.
  std::vector<uint8_t> row(static_cast<size_t>(width) * channels, kRedactedGrey);
  if (channels == 4) {
    for (size_t i = 3; i < row.size(); i += 4) row[i] = 0xff;
  }
  for (const Rect& r : rects) {
    const int x0 = std::max(r.x, 0), x1 = std::min(r.x + r.width, width);
    const int y0 = std::max(r.y, 0), y1 = std::min(r.y + r.height, height);
    if (x0 >= x1 || y0 >= y1) continue;
    const size_t bytes = static_cast<size_t>(x1 - x0) * channels;
    for (int y = y0; y < y1; ++y) {
      std::memcpy(pixels + (static_cast<size_t>(y) * width + x0) * channels, row.data(), bytes);
    }
  }
}

}  // namespace worktrace
