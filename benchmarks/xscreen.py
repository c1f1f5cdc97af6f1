"""Reading pixels off an X display (Xvfb) with libX11 through ctypes: no dependency, a few ms per look.

Used to tell when a window has been painted, and when its story list shows rows, without changing the app.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass

Z_PIXMAP = 2
DARK = 96  # a pixel whose green channel is below this is dark
ALL_PLANES = 0xFFFFFFFF


class _XImage(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int),
        ("data", ctypes.POINTER(ctypes.c_ubyte)),
        ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
    ]


@dataclass(frozen=True)
class Region:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Look:
    """What a region shows, on a light theme over a black screen: the share of light pixels (a window's
    background has been painted there) and the number of dark ones (text, or the black of nothing painted)."""

    light: float
    dark: int


class Screen:
    def __init__(self, display: str) -> None:
        name = ctypes.util.find_library("X11") or "libX11.so.6"
        self._x = ctypes.cdll.LoadLibrary(name)
        self._x.XOpenDisplay.restype = ctypes.c_void_p
        self._x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x.XDefaultRootWindow.restype = ctypes.c_ulong
        self._x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self._x.XGetImage.restype = ctypes.POINTER(_XImage)
        self._x.XGetImage.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_ulong,
            ctypes.c_int,
        ]
        self._x.XFree.argtypes = [ctypes.c_void_p]
        self._x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._display = self._x.XOpenDisplay(display.encode())
        if not self._display:
            raise ConnectionError(f"cannot open X display {display}")
        self._root = self._x.XDefaultRootWindow(self._display)

    @staticmethod
    def available() -> bool:
        return ctypes.util.find_library("X11") is not None

    def grab(self, region: Region) -> tuple[bytes, int]:
        """The region's pixels (32-bit BGRX rows) and bytes per row, from the root window (what is on screen)."""
        image = self._x.XGetImage(
            self._display, self._root, region.x, region.y, region.width, region.height, ALL_PLANES, Z_PIXMAP
        )
        if not image:
            raise RuntimeError("XGetImage failed")
        try:
            contents = image.contents
            if contents.bits_per_pixel != 32:
                raise RuntimeError(f"expected a 32-bit screen, got {contents.bits_per_pixel} bits per pixel")
            size = contents.bytes_per_line * contents.height
            return ctypes.string_at(contents.data, size), contents.bytes_per_line
        finally:
            self._x.XFree(image.contents.data)
            self._x.XFree(image)

    def look(self, region: Region) -> Look:
        data, stride = self.grab(region)
        row_bytes = region.width * 4
        rows = b"".join(data[y * stride : y * stride + row_bytes] for y in range(region.height))
        green = rows[1::4]  # one channel is enough: text is dark grey to black, backgrounds are light
        total = len(green)
        light = len(green.translate(None, bytes(range(DARK))))
        return Look(light=light / total, dark=total - light)

    def close(self) -> None:
        self._x.XCloseDisplay(self._display)
