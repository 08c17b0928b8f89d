using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using Telematics.Scoring.Contributions;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// A tree ensemble flattened for fast evaluation in ONNX Runtime's own float arithmetic, so that it can score in place
/// of ONNX Runtime once <see cref="OnnxRiskModel"/> has checked it bit for bit against it.
/// </summary>
/// <remarks>
/// <para>
/// Every split is rewritten as "value ≤ threshold goes to slot 0": <c>&lt;</c> becomes <c>≤</c> the next float down,
/// <c>≥</c> and <c>&gt;</c> swap the slots. A missing value (NaN) fails every comparison and so takes slot 1, unless the
/// node sends it the other way (<c>nodes_missing_value_tracks_true</c>), which one XOR decides. Leaves point to
/// themselves, so each tree is walked exactly its depth in steps with no test for "reached a leaf".
/// </para>
/// <para>
/// Rows are scored in blocks: each tree walks the whole block one level at a time, so the block's walks are
/// independent chains the processor overlaps, and the tree stays in cache. Each row still adds its trees' leaf weights
/// in tree order, in float, then divides (AVERAGE) and adds the base value as ONNX Runtime does: the results are the
/// same bits. Allocates nothing. Thread-safe (immutable).
/// </para>
/// </remarks>
internal sealed class CompiledTreeEnsemble
{
    // Rows walked together through one tree (a batch), or trees walked together for one row (fewer rows than this).
    private const int Block = 16;

    private readonly int _width;
    private readonly int[] _roots;
    private readonly int[] _depths;
    private readonly int[] _tileDepths;
    private readonly FlatNode[] _nodes;
    private readonly float[] _leaf;
    private readonly float _base;
    private readonly float _treeCount;
    private readonly bool _average;
    private readonly TreePostTransform _transform;

    private CompiledTreeEnsemble(int width, int[] roots, int[] depths, FlatNode[] nodes, float[] leaf, TreeEnsembleFloats floats, TreePostTransform transform)
    {
        _width = width;
        _roots = roots;
        _depths = depths;
        _nodes = nodes;
        _leaf = leaf;
        _tileDepths = new int[(roots.Length + Block - 1) / Block];
        for (var t = 0; t < roots.Length; t++)
        {
            _tileDepths[t / Block] = Math.Max(_tileDepths[t / Block], depths[t]);
        }

        _base = floats.BaseValue;
        _average = floats.Average;
        _treeCount = roots.Length;
        _transform = transform;
    }

    /// <summary>Number of nodes after flattening.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>Flattens <paramref name="trees"/>, or says why it cannot be.</summary>
    /// <param name="trees">The ensemble as read from the graph.</param>
    /// <param name="refusal">Why it is not compiled; null when it is.</param>
    /// <returns>The compiled ensemble, or null.</returns>
    public static CompiledTreeEnsemble? TryCreate(TreeEnsemble trees, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(trees);
        if (trees.Floats is not { } floats)
        {
            refusal = "the ensemble's float weights were not read";
            return null;
        }

        var nodes = new List<FlatNode>();
        var leaf = new List<float>();
        var roots = new int[trees.TreeCount];
        var depths = new int[trees.TreeCount];
        var stack = new Stack<(int Source, int Depth)>();
        var flat = new Dictionary<int, int>();
        for (var t = 0; t < roots.Length; t++)
        {
            // Depth-first from the root: a tree's nodes are contiguous, parents before children.
            flat.Clear();
            stack.Push((trees.Roots[t], 0));
            var order = new List<(int Source, int Depth)>();
            while (stack.Count > 0)
            {
                var (source, depth) = stack.Pop();
                if (flat.ContainsKey(source))
                {
                    refusal = $"tree {t} reaches node {source} twice (it is not a tree)";
                    return null;
                }

                flat[source] = nodes.Count + order.Count;
                order.Add((source, depth));
                var node = trees.Node(source);
                if (node.Mode != TreeNodeMode.Leaf)
                {
                    if (depth >= 64)
                    {
                        refusal = $"tree {t} is deeper than 64 levels";
                        return null;
                    }

                    stack.Push((node.False, depth + 1));
                    stack.Push((node.True, depth + 1));
                }
            }

            roots[t] = nodes.Count;
            foreach (var (source, depth) in order)
            {
                depths[t] = Math.Max(depths[t], depth);
                var at = flat[source];
                var node = trees.Node(source);
                if (node.Mode == TreeNodeMode.Leaf)
                {
                    nodes.Add(new FlatNode(0, 0, at, at));
                    leaf.Add(floats.Leaf[source]);
                    continue;
                }

                if (!TryRewrite(node.Mode, node.Threshold, out var limit, out var trueFirst, out refusal))
                {
                    refusal = $"tree {t}: {refusal}";
                    return null;
                }

                var (slot0, slot1) = trueFirst ? (flat[node.True], flat[node.False]) : (flat[node.False], flat[node.True]);
                var nanTarget = node.MissingTrue ? flat[node.True] : flat[node.False];
                // NaN fails "≤" and lands in slot 1; the flip bit sends it to slot 0 where ONNX Runtime does.
                nodes.Add(new FlatNode(limit, node.Feature | (nanTarget == slot1 ? 0 : FlatNode.NanFlip), slot0, slot1));
                leaf.Add(0);
            }
        }

        refusal = null;
        return new CompiledTreeEnsemble(trees.Width, roots, depths, [.. nodes], [.. leaf], floats, trees.PostTransform);
    }

    /// <summary>Scores rows of the ensemble's width each into <paramref name="outputs"/> (one value per row).</summary>
    public void Score(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        var start = 0;
        for (; outputs.Length - start >= Block; start += Block)
        {
            ScoreBlock(inputs.Slice(start * _width, Block * _width), outputs.Slice(start, Block));
        }

        for (; start < outputs.Length; start++)
        {
            outputs[start] = ScoreRow(inputs.Slice(start * _width, _width));
        }
    }

    // One row: a tile of trees walked together, one level at a time; their leaves then added in tree order.
    private float ScoreRow(ReadOnlySpan<float> row)
    {
        Span<int> node = stackalloc int[Block];
        ref var x = ref MemoryMarshal.GetReference(row);
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var leaf = ref MemoryMarshal.GetArrayDataReference(_leaf);
        var sum = 0f;
        for (var first = 0; first < _roots.Length; first += Block)
        {
            var count = Math.Min(Block, _roots.Length - first);
            _roots.AsSpan(first, count).CopyTo(node);
            for (var level = _tileDepths[first / Block]; level > 0; level--)
            {
                for (var j = 0; j < count; j++)
                {
                    node[j] = Step(ref Unsafe.Add(ref nodes, node[j]), ref x);
                }
            }

            for (var j = 0; j < count; j++)
            {
                sum += Unsafe.Add(ref leaf, node[j]);
            }
        }

        return Finish(sum);
    }

    // A block of rows: each tree walked by all of them together, one level at a time.
    private void ScoreBlock(ReadOnlySpan<float> rows, Span<float> outputs)
    {
        Span<int> node = stackalloc int[Block];
        Span<float> sum = stackalloc float[Block];
        sum.Clear();
        ref var x = ref MemoryMarshal.GetReference(rows);
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var leaf = ref MemoryMarshal.GetArrayDataReference(_leaf);
        for (var t = 0; t < _roots.Length; t++)
        {
            node.Fill(_roots[t]);
            for (var level = _depths[t]; level > 0; level--)
            {
                for (var r = 0; r < Block; r++)
                {
                    node[r] = Step(ref Unsafe.Add(ref nodes, node[r]), ref Unsafe.Add(ref x, r * _width));
                }
            }

            for (var r = 0; r < Block; r++)
            {
                sum[r] += Unsafe.Add(ref leaf, node[r]);
            }
        }

        for (var r = 0; r < Block; r++)
        {
            outputs[r] = Finish(sum[r]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref FlatNode node, ref float row)
    {
        var value = Unsafe.Add(ref row, node.Feature & FlatNode.FeatureMask);
        var slot = (value <= node.Threshold ? 0 : 1) ^ ((float.IsNaN(value) ? 1 : 0) & (int)((uint)node.Feature >> 31));
        return Unsafe.Add(ref node.Slot0, slot);
    }

    private float Finish(float sum)
    {
        var score = (_average ? sum / _treeCount : sum) + _base;
        if (_transform != TreePostTransform.Logistic)
        {
            return score;
        }

        // As ONNX Runtime's logistic: on |x|, mirrored for negative margins.
        var v = 1f / (1f + MathF.Exp(-MathF.Abs(score)));
        return score < 0 ? 1f - v : v;
    }

    // "value MODE threshold goes true" as "value ≤ limit goes to slot 0", with trueFirst saying whether slot 0 is true.
    private static bool TryRewrite(TreeNodeMode mode, float threshold, out float limit, out bool trueFirst, out string? refusal)
    {
        refusal = null;
        limit = threshold;
        trueFirst = mode is TreeNodeMode.Leq or TreeNodeMode.Lt;
        if (mode is TreeNodeMode.Eq or TreeNodeMode.Neq)
        {
            refusal = "equality splits are not compiled";
            return false;
        }

        if (float.IsNaN(threshold) || (float.IsNegativeInfinity(threshold) && mode is TreeNodeMode.Lt or TreeNodeMode.Gte))
        {
            refusal = $"a {mode} split at {threshold} is not compiled";
            return false;
        }

        if (mode is TreeNodeMode.Lt or TreeNodeMode.Gte)
        {
            // v < t ⇔ v ≤ the float below t (for every v that is not NaN); v ≥ t is its negation.
            limit = MathF.BitDecrement(threshold);
        }

        return true;
    }
}

/// <summary>One flattened split (or leaf, whose two slots point to itself): 16 bytes, read in one access per step.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FlatNode(float threshold, int feature, int slot0, int slot1)
{
    /// <summary>The high bit of <see cref="Feature"/>: a missing value goes to slot 0.</summary>
    public const int NanFlip = unchecked((int)0x8000_0000);

    /// <summary>The bits of <see cref="Feature"/> that are the feature's column.</summary>
    public const int FeatureMask = 0x7FFF_FFFF;

    public float Threshold = threshold;
    public int Feature = feature;
    public int Slot0 = slot0;
    public int Slot1 = slot1;
}
