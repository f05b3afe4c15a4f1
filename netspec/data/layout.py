"""Which way round a 4-D image array is: (N, C, H, W) or (N, H, W, C). Pure functions of shapes.

An array of shape (N, a, b, c) reads as `a` channels of b x c ("channels first", torch's order) or
as `c` channels of a x b ("channels last", what PIL, TensorFlow and most image files give). The
rule, in order (docs/train.md, "Data"):

1. the reading whose (C, H, W) is the spec's input, when the spec's image size is known;
2. the reading with the spec's channels, when only one of the two has them;
3. otherwise the reading with square images, when only one has them;
4. otherwise the one with fewer channels (channels are few, pixels many); and on a tie, channels
   first (an (N, 3, 3, 3) array cannot tell, and torch's order is the default).

So (N, 28, 28, 4) is 4 channels of 28x28 whether or not the spec asks for 4, and (N, 3, 32, 32)
stays as it is.
"""

from __future__ import annotations

FIRST = "(N, C, H, W)"
LAST = "(N, H, W, C)"


def readings(shape: tuple[int, ...]) -> dict[str, tuple[int, int, int]]:
    """The (C, H, W) of one sample under each layout of an (N, a, b, c) array."""
    _, a, b, c = shape
    return {FIRST: (a, b, c), LAST: (c, a, b)}


def choose(shape: tuple[int, ...], channels: int | None, image: tuple[int, int] | None) -> str:
    """FIRST or LAST for an (N, a, b, c) array, by the rule above. `channels`: the spec's (None
    when unknown, or when the input is a vector and any layout will be flattened); `image`: the
    spec's (H, W), None when unknown or when the images are resized anyway."""
    options = readings(shape)
    tests = []
    if channels is not None and image is not None:
        tests.append(lambda chw: chw == (channels, *image))
    if channels is not None:
        tests.append(lambda chw: chw[0] == channels)
    tests.append(lambda chw: chw[1] == chw[2])
    for test in tests:
        passing = [name for name, chw in options.items() if test(chw)]
        if len(passing) == 1:
            return passing[0]
    if options[LAST][0] < options[FIRST][0]:
        return LAST
    return FIRST


def fits(shape: tuple[int, ...], channels: int) -> bool:
    """Whether either reading of an (N, a, b, c) array has `channels` channels."""
    return any(chw[0] == channels for chw in readings(shape).values())
