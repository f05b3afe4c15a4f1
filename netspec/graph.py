"""The network as a graph: nodes in execution order, each naming the nodes it reads.

This is torch.fx's idea (a list of nodes in topological order, each with its inputs) kept apart
from what each node computes (`elaborate.LayerInstance`), as Keras' functional models keep layer
objects apart from the graph of calls. A straight stack is a chain: node i reads node i − 1, and
node 0 reads the network input, `INPUT_ID`.

Elaboration builds a network from `Fragment`s: the nodes of a statement list with their inputs
numbered locally, `ENTRY` standing for whatever value the fragment is applied to. Fragments are
composed (a sequence, the branches of a merge, a repeat) by renumbering, so a `repeat 100 { … }`
elaborates its body once and copies it.
"""

from __future__ import annotations

from netspec.record import Record

INPUT_ID = -1  # the network input, as a node id
ENTRY = -1  # in a fragment: the value the fragment is applied to


class Frame:
    """A named scope around nodes: a block call (`layer1`, `bottleneck2`), a merge's `branch` or a
    residual's `shortcut`. Compared by identity: each copy of a repeated call is its own frame."""

    __slots__ = ("kind", "name", "label", "statement", "values", "defined")

    def __init__(
        self, kind: str, name: str, label: str | None, statement, values: dict | None = None, defined: int = 0
    ):
        self.kind = kind  # "call" | "branch" | "shortcut"
        self.name = name  # the block's name, `branch2`, `shortcut`
        self.label = label  # the call's label, which names the scope as written
        self.statement = statement  # the call (or merge) statement
        self.values = values or {}  # a call's parameters: name → syntax.Value
        self.defined = defined  # a call's block: the line of its definition

    def copy(self) -> Frame:
        return Frame(self.kind, self.name, self.label, self.statement, self.values, self.defined)

    def __repr__(self) -> str:
        return f"Frame({self.kind}, {self.label or self.name})"


class Merge(Record):
    """How a merge node's inputs were written: the node ranges of its branches (in the node list,
    `[start, end)`, empty for an identity branch) and the value they all start from. For a
    `residual`, branch 0 is the body and branch 1 the shortcut."""

    __slots__ = ("entry", "branches", "residual")

    def __init__(self, entry: int, branches: tuple[tuple[int, int], ...], residual: bool = False):
        self.entry = entry
        self.branches = branches
        self.residual = residual


class Node(Record):
    """One executed layer or merge: what it computes, the ids of the values it reads (node ids, or
    INPUT_ID), the frames around it (outermost first) and, for merges, their branches."""

    __slots__ = ("instance", "inputs", "frames", "merge")

    def __init__(self, instance, inputs: tuple[int, ...], frames: tuple[Frame, ...] = (), merge: Merge | None = None):
        self.instance = instance
        self.inputs = inputs
        self.frames = frames
        self.merge = merge

    @property
    def calls(self) -> tuple:
        """The block-call statements this node was instantiated through, outermost first."""
        return tuple(frame.statement for frame in self.frames if frame.kind == "call")


Fragment = list[Node]  # inputs: ENTRY or an index into the fragment itself


def output_of(fragment: Fragment) -> int:
    """The local id of a fragment's result: its last node, or its entry when it is empty."""
    return len(fragment) - 1 if fragment else ENTRY


def _shift(node: Node, offset: int, entry: int, frames: dict | None, prefix: tuple) -> Node:
    inputs = tuple([entry if i == ENTRY else i + offset for i in node.inputs])
    merge = node.merge
    if merge is not None:
        merge = Merge(
            entry if merge.entry == ENTRY else merge.entry + offset,
            tuple([(start + offset, end + offset) for start, end in merge.branches]),
            merge.residual,
        )
    node_frames = node.frames
    if frames is not None and node_frames:
        copies = []
        for frame in node_frames:
            copy = frames.get(frame)
            if copy is None:
                copy = frames[frame] = frame.copy()
            copies.append(copy)
        node_frames = tuple(copies)
    return Node(node.instance, inputs, prefix + node_frames if prefix else node_frames, merge)


def append(target: Fragment, fragment: Fragment, entry: int, fresh_frames: bool = False, prefix: tuple = ()) -> int:
    """Append `fragment` applied to `entry` (a local id of `target`); returns the id of its result.
    `fresh_frames` gives the copy frames of its own (a repeated body's calls are distinct calls);
    `prefix` puts frames around every node (the call or branch the fragment is the body of)."""
    offset = len(target)
    frames: dict | None = {} if fresh_frames else None
    target.extend([_shift(node, offset, entry, frames, prefix) for node in fragment])
    return len(target) - 1 if fragment else entry
