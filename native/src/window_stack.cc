#include "window_stack.h"

#include <X11/Xatom.h>
#include <X11/Xlib-xcb.h>
#include <xcb/xcb.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "x_errors.h"

namespace worktrace {
namespace {

constexpr uint32_t kMaxTitleLongs = 4096;  // 16 KiB, as for the active window
constexpr uint32_t kMaxClassLongs = 256;
constexpr uint32_t kMaxListLongs = 65536;  // window ids in _NET_CLIENT_LIST_STACKING
constexpr int kClientSearchDepth = 2;      // frame -> (inner frame ->) client, as reparenting window managers nest them

template <typename T>
using Reply = std::unique_ptr<T, decltype(&std::free)>;

template <typename T>
Reply<T> Own(T* reply) {
  return Reply<T>(reply, &std::free);
}

// Every reply is fetched with an error slot: an error left to the event queue would reach Xlib's error
// handler later and be taken for a failure of some other request.
template <typename T, typename Cookie>
Reply<T> Fetch(xcb_connection_t* c, T* (*reply)(xcb_connection_t*, Cookie, xcb_generic_error_t**), Cookie cookie) {
  xcb_generic_error_t* error = nullptr;
  T* answer = reply(c, cookie, &error);
  std::free(error);
  return Own(answer);
}

struct PropertyCookies {
  xcb_get_property_cookie_t wmClass, netName, wmName, pid;
};

// A reply that did not come, from a connection that did not fail, is a window that went away (BadWindow):
// impossible under the server grab, but then it is simply not there.
void CheckConnection(xcb_connection_t* c) {
  if (xcb_connection_has_error(c)) throw NativeError("ERR_CAPTURE", "the X connection failed while reading the windows");
}

xcb_get_property_cookie_t Property(xcb_connection_t* c, xcb_window_t w, Atom name, Atom type, uint32_t longs) {
  return xcb_get_property(c, 0, w, static_cast<xcb_atom_t>(name), static_cast<xcb_atom_t>(type), 0, longs);
}

PropertyCookies AskIdentity(xcb_connection_t* c, xcb_window_t w, const WindowAtoms& atoms) {
  return {Property(c, w, XA_WM_CLASS, XA_STRING, kMaxClassLongs), Property(c, w, atoms.netWmName, atoms.utf8String, kMaxTitleLongs),
          Property(c, w, XA_WM_NAME, AnyPropertyType, kMaxTitleLongs), Property(c, w, atoms.netWmPid, XA_CARDINAL, 1)};
}

Reply<xcb_get_property_reply_t> PropertyReply(xcb_connection_t* c, xcb_get_property_cookie_t cookie) {
  auto reply = Fetch(c, xcb_get_property_reply, cookie);
  if (reply && reply->type == XCB_NONE) reply.reset();
  return reply;
}

const unsigned char* Bytes(const xcb_get_property_reply_t* p) { return static_cast<const unsigned char*>(xcb_get_property_value(p)); }

void ReadIdentity(xcb_connection_t* c, Display* display, const WindowAtoms& atoms, const PropertyCookies& cookies, TopLevelWindow& w) {
  if (auto wmClass = PropertyReply(c, cookies.wmClass); wmClass && wmClass->format == 8) {
    // WM_CLASS is two NUL-terminated strings: instance, then class.
    const char* text = reinterpret_cast<const char*>(Bytes(wmClass.get()));
    const size_t length = static_cast<size_t>(xcb_get_property_value_length(wmClass.get()));
    const size_t first = strnlen(text, length);
    w.instanceName.assign(text, first);
    if (first + 1 < length) w.className.assign(text + first + 1, strnlen(text + first + 1, length - first - 1));
  }
  auto netName = PropertyReply(c, cookies.netName);
  auto wmName = PropertyReply(c, cookies.wmName);
  if (netName && netName->format == 8 && netName->type == atoms.utf8String) {
    w.title.assign(reinterpret_cast<const char*>(Bytes(netName.get())), static_cast<size_t>(xcb_get_property_value_length(netName.get())));
  } else if (wmName && wmName->format == 8) {
    w.title = IcccmTitleToUtf8(display, atoms, wmName->type, Bytes(wmName.get()), static_cast<size_t>(xcb_get_property_value_length(wmName.get())));
  }
  if (auto pid = PropertyReply(c, cookies.pid); pid && pid->format == 32 && xcb_get_property_value_length(pid.get()) >= 4) {
    uint32_t value = 0;
    std::memcpy(&value, Bytes(pid.get()), sizeof value);
    if (value > 0) w.pid = static_cast<long>(value);
  }
}

std::vector<xcb_window_t> WindowList(const xcb_get_property_reply_t* p) {
  const auto* ids = static_cast<const xcb_window_t*>(xcb_get_property_value(p));
  return std::vector<xcb_window_t>(ids, ids + xcb_get_property_value_length(p) / 4);
}

// The EWMH path: the window manager's clients bottom to top; each frame = client + _NET_FRAME_EXTENTS.
std::vector<TopLevelWindow> FromClientList(xcb_connection_t* c, Display* display, xcb_window_t root, const std::vector<xcb_window_t>& clients,
                                           const WindowAtoms& atoms, const StackAtoms& stackAtoms) {
  struct Asked {
    xcb_get_window_attributes_cookie_t attributes;
    xcb_get_geometry_cookie_t geometry;
    xcb_translate_coordinates_cookie_t position;
    xcb_get_property_cookie_t extents;
    PropertyCookies identity;
  };
  std::vector<Asked> asked;
  asked.reserve(clients.size());
  for (xcb_window_t w : clients) {
    asked.push_back({xcb_get_window_attributes(c, w), xcb_get_geometry(c, w), xcb_translate_coordinates(c, w, root, 0, 0),
                     Property(c, w, stackAtoms.frameExtents, XA_CARDINAL, 4), AskIdentity(c, w, atoms)});
  }
  std::vector<TopLevelWindow> windows;
  for (size_t i = 0; i < clients.size(); ++i) {
    const Asked& a = asked[i];
    auto attributes = Fetch(c, xcb_get_window_attributes_reply, a.attributes);
    auto geometry = Fetch(c, xcb_get_geometry_reply, a.geometry);
    auto position = Fetch(c, xcb_translate_coordinates_reply, a.position);
    auto extents = PropertyReply(c, a.extents);
    TopLevelWindow w;
    w.id = clients[i];
    ReadIdentity(c, display, atoms, a.identity, w);  // every reply is read, so none is left queued
    if (!attributes || !geometry || !position || attributes->map_state != XCB_MAP_STATE_VIEWABLE) continue;
    long left = 0, right = 0, top = 0, bottom = 0;
    if (extents && extents->format == 32 && xcb_get_property_value_length(extents.get()) >= 16) {
      const auto* e = static_cast<const uint32_t*>(xcb_get_property_value(extents.get()));
      left = e[0], right = e[1], top = e[2], bottom = e[3];
    }
    const int border = geometry->border_width;
    w.frame = Rect{position->dst_x - border - static_cast<int>(left), position->dst_y - border - static_cast<int>(top),
                   geometry->width + 2 * border + static_cast<int>(left + right), geometry->height + 2 * border + static_cast<int>(top + bottom)};
    windows.push_back(std::move(w));
  }
  CheckConnection(c);
  return windows;
}

// Without _NET_CLIENT_LIST_STACKING: the root's viewable children in stacking order are the frames (or the
// clients themselves, without a window manager); the client is the first window down the tree with WM_STATE.
std::vector<TopLevelWindow> FromQueryTree(xcb_connection_t* c, Display* display, xcb_window_t root, const WindowAtoms& atoms,
                                          const StackAtoms& stackAtoms) {
  auto tree = Fetch(c, xcb_query_tree_reply, xcb_query_tree(c, root));
  CheckConnection(c);
  if (!tree) throw NativeError("ERR_CAPTURE", "XQueryTree on the root window failed");
  const xcb_window_t* children = xcb_query_tree_children(tree.get());
  const int count = xcb_query_tree_children_length(tree.get());

  std::vector<xcb_get_window_attributes_cookie_t> attributeCookies;
  std::vector<xcb_get_geometry_cookie_t> geometryCookies;
  for (int i = 0; i < count; ++i) {
    attributeCookies.push_back(xcb_get_window_attributes(c, children[i]));
    geometryCookies.push_back(xcb_get_geometry(c, children[i]));
  }
  std::vector<TopLevelWindow> windows;
  for (int i = 0; i < count; ++i) {
    auto attributes = Fetch(c, xcb_get_window_attributes_reply, attributeCookies[i]);
    auto geometry = Fetch(c, xcb_get_geometry_reply, geometryCookies[i]);
    if (!attributes || !geometry || attributes->map_state != XCB_MAP_STATE_VIEWABLE || attributes->_class == XCB_WINDOW_CLASS_INPUT_ONLY) continue;
    TopLevelWindow w;
    w.id = children[i];
    w.frame = Rect{geometry->x, geometry->y, geometry->width + 2 * geometry->border_width, geometry->height + 2 * geometry->border_width};
    windows.push_back(std::move(w));
  }
  CheckConnection(c);

  // Find each frame's client, one tree level at a time for all frames together.
  std::vector<std::vector<xcb_window_t>> candidates(windows.size());
  for (size_t i = 0; i < windows.size(); ++i) candidates[i] = {static_cast<xcb_window_t>(windows[i].id)};
  std::vector<xcb_window_t> client(windows.size(), XCB_NONE);
  for (int depth = 0; depth <= kClientSearchDepth; ++depth) {
    std::vector<std::vector<xcb_get_property_cookie_t>> stateCookies(windows.size());
    std::vector<std::vector<xcb_query_tree_cookie_t>> treeCookies(windows.size());
    for (size_t i = 0; i < windows.size(); ++i) {
      if (client[i] != XCB_NONE) continue;
      for (xcb_window_t w : candidates[i]) {
        stateCookies[i].push_back(Property(c, w, stackAtoms.wmState, AnyPropertyType, 0));
        if (depth < kClientSearchDepth) treeCookies[i].push_back(xcb_query_tree(c, w));
      }
    }
    for (size_t i = 0; i < windows.size(); ++i) {
      std::vector<xcb_window_t> next;
      for (size_t k = 0; k < stateCookies[i].size(); ++k) {
        auto state = PropertyReply(c, stateCookies[i][k]);
        if (state && client[i] == XCB_NONE) client[i] = candidates[i][k];
        if (k < treeCookies[i].size()) {
          auto subtree = Fetch(c, xcb_query_tree_reply, treeCookies[i][k]);
          if (!subtree) continue;
          const xcb_window_t* kids = xcb_query_tree_children(subtree.get());
          next.insert(next.end(), kids, kids + xcb_query_tree_children_length(subtree.get()));
        }
      }
      candidates[i] = std::move(next);
    }
    CheckConnection(c);
  }

  std::vector<PropertyCookies> identity;
  for (size_t i = 0; i < windows.size(); ++i) {
    identity.push_back(AskIdentity(c, client[i] != XCB_NONE ? client[i] : static_cast<xcb_window_t>(windows[i].id), atoms));
  }
  for (size_t i = 0; i < windows.size(); ++i) {
    if (client[i] != XCB_NONE) windows[i].id = client[i];
    ReadIdentity(c, display, atoms, identity[i], windows[i]);
  }
  CheckConnection(c);
  return windows;
}

}  // namespace

StackAtoms::StackAtoms(Display* display) {
  const char* names[] = {"_NET_CLIENT_LIST_STACKING", "_NET_FRAME_EXTENTS", "WM_STATE"};
  Atom atoms[3];
  XInternAtoms(display, const_cast<char**>(names), 3, False, atoms);
  clientListStacking = atoms[0];
  frameExtents = atoms[1];
  wmState = atoms[2];
}

std::vector<TopLevelWindow> ReadWindowStack(Display* display, const WindowAtoms& atoms, const StackAtoms& stackAtoms) {
  // Xlib's queue first: requests it buffered go out before ours, so replies come back in order.
  XFlush(display);
  xcb_connection_t* c = XGetXCBConnection(display);
  const xcb_window_t root = static_cast<xcb_window_t>(DefaultRootWindow(display));
  auto stacking = PropertyReply(c, Property(c, root, stackAtoms.clientListStacking, XA_WINDOW, kMaxListLongs));
  CheckConnection(c);
  if (stacking && stacking->format == 32) return FromClientList(c, display, root, WindowList(stacking.get()), atoms, stackAtoms);
  return FromQueryTree(c, display, root, atoms, stackAtoms);
}

}  // namespace worktrace
