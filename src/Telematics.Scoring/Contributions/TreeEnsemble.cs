namespace Telematics.Scoring.Contributions;

/// <summary>
/// A tree ensemble's decision structure for one output (a regression target or one class), as ONNX Runtime
/// evaluates it: the margin is the base value plus the (scaled) leaf weights the row reaches, and the raw output is
/// the post-transform of the margin.
/// </summary>
/// <remarks>Immutable and safe to share between threads; read from an ONNX model by <see cref="Onnx.OnnxTreeEnsembleReader"/>.</remarks>
internal sealed class TreeEnsemble
{
    private readonly int[] _roots;
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly TreeNodeMode[] _mode;
    private readonly int[] _true;
    private readonly int[] _false;
    private readonly bool[] _missingTrue;
    private readonly double[] _leaf;

    public TreeEnsemble(
        int width, int[] roots, int[] feature, float[] threshold, TreeNodeMode[] mode, int[] trueChild, int[] falseChild,
        bool[] missingTracksTrue, double[] leafValue, double baseValue, TreePostTransform postTransform)
    {
        Width = width;
        _roots = roots;
        _feature = feature;
        _threshold = threshold;
        _mode = mode;
        _true = trueChild;
        _false = falseChild;
        _missingTrue = missingTracksTrue;
        _leaf = leafValue;
        BaseValue = baseValue;
        PostTransform = postTransform;
    }

    /// <summary>Values per row.</summary>
    public int Width { get; }

    /// <summary>Number of trees.</summary>
    public int TreeCount => _roots.Length;

    /// <summary>Added to the leaf sum.</summary>
    public double BaseValue { get; }

    /// <summary>What maps the margin to the raw output.</summary>
    public TreePostTransform PostTransform { get; }

    /// <summary>
    /// The ensemble in ONNX Runtime's own arithmetic (float leaf weights, float base value, averaging at the end), for
    /// evaluation that must match it bit for bit; <see langword="null"/> when the reader did not record it.
    /// </summary>
    public TreeEnsembleFloats? Floats { get; init; }

    /// <summary>The tree roots, in the order ONNX Runtime sums the trees.</summary>
    public ReadOnlySpan<int> Roots => _roots;

    /// <summary>The node's split (mode, feature, threshold, children, missing-value direction).</summary>
    public (TreeNodeMode Mode, int Feature, float Threshold, int True, int False, bool MissingTrue) Node(int node) =>
        (_mode[node], _feature[node], _threshold[node], _true[node], _false[node], _missingTrue[node]);

    /// <summary>The margin of a row: base value plus the leaf values reached.</summary>
    public double Margin(ReadOnlySpan<float> row)
    {
        var sum = BaseValue;
        foreach (var root in _roots)
        {
            var node = root;
            while (_mode[node] != TreeNodeMode.Leaf)
            {
                node = GoesTrue(node, row[_feature[node]]) ? _true[node] : _false[node];
            }

            sum += _leaf[node];
        }

        return sum;
    }

    /// <summary>Copies every split as (feature, threshold), for probing the ensemble at its decision boundaries.</summary>
    public List<(int Feature, float Threshold)> Splits()
    {
        var splits = new List<(int, float)>();
        for (var i = 0; i < _mode.Length; i++)
        {
            if (_mode[i] != TreeNodeMode.Leaf)
            {
                splits.Add((_feature[i], _threshold[i]));
            }
        }

        return splits;
    }

    /// <summary>The raw output of a margin.</summary>
    public double Output(double margin) => PostTransform == TreePostTransform.Logistic ? 1 / (1 + Math.Exp(-margin)) : margin;

    /// <summary>
    /// Exact Shapley values of the margin for the game v(S) = margin(x on S, reference elsewhere); they sum to
    /// margin(<paramref name="row"/>) − margin(<paramref name="reference"/>).
    /// </summary>
    /// <remarks>
    /// Each tree is walked once: where the row and the reference take the same branch nothing is decided; where they
    /// part, the feature is fixed to the row on one side and to the reference on the other. A leaf reached with
    /// <c>a</c> features fixed to the row and <c>b</c> to the reference is the game "all a present and all b absent",
    /// whose Shapley value is v·(a−1)!·b!/(a+b)! for each of the a and −v·a!·(b−1)!/(a+b)! for each of the b.
    /// O(nodes) per tree; allocates nothing for widths up to 256.
    /// </remarks>
    public void Shapley(ReadOnlySpan<float> row, ReadOnlySpan<float> reference, Span<double> phi)
    {
        phi.Clear();
        Span<sbyte> side = Width <= 256 ? stackalloc sbyte[Width] : new sbyte[Width];
        Span<int> path = Width <= 256 ? stackalloc int[Width] : new int[Width];
        side.Clear();
        foreach (var root in _roots)
        {
            Walk(root, row, reference, side, path, 0, 0, 0, phi);
        }
    }

    private void Walk(int node, ReadOnlySpan<float> row, ReadOnlySpan<float> reference, Span<sbyte> side, Span<int> path, int depth, int fromRow, int fromReference, Span<double> phi)
    {
        if (_mode[node] == TreeNodeMode.Leaf)
        {
            Credit(_leaf[node], side, path[..depth], fromRow, fromReference, phi);
            return;
        }

        var feature = _feature[node];
        var rowChild = GoesTrue(node, row[feature]) ? _true[node] : _false[node];
        var referenceChild = GoesTrue(node, reference[feature]) ? _true[node] : _false[node];
        if (side[feature] != 0 || rowChild == referenceChild)
        {
            // Already fixed by a node above (a feature splits again deeper), or both sides agree: one way down.
            Walk(side[feature] < 0 ? referenceChild : rowChild, row, reference, side, path, depth, fromRow, fromReference, phi);
            return;
        }

        path[depth] = feature;
        side[feature] = 1;
        Walk(rowChild, row, reference, side, path, depth + 1, fromRow + 1, fromReference, phi);
        side[feature] = -1;
        Walk(referenceChild, row, reference, side, path, depth + 1, fromRow, fromReference + 1, phi);
        side[feature] = 0;
    }

    private static void Credit(double value, ReadOnlySpan<sbyte> side, ReadOnlySpan<int> path, int a, int b, Span<double> phi)
    {
        if (value == 0 || path.Length == 0)
        {
            return;
        }

        // (a−1)!·b!/(a+b)! = 1 / (a·C(a+b, a)) and a!·(b−1)!/(a+b)! = 1 / (b·C(a+b, b)).
        var choose = Binomial(a + b, a);
        var rowShare = a > 0 ? value / (a * choose) : 0;
        var referenceShare = b > 0 ? -value / (b * choose) : 0;
        foreach (var feature in path)
        {
            phi[feature] += side[feature] > 0 ? rowShare : referenceShare;
        }
    }

    private static double Binomial(int n, int k)
    {
        k = Math.Min(k, n - k);
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }

    private bool GoesTrue(int node, float value)
    {
        if (float.IsNaN(value))
        {
            // ONNX Runtime sends a missing value down the true branch when the node says so; otherwise the
            // comparison decides (false for every mode but NEQ).
            return _missingTrue[node] || _mode[node] == TreeNodeMode.Neq;
        }

        var threshold = _threshold[node];
        return _mode[node] switch
        {
            TreeNodeMode.Leq => value <= threshold,
            TreeNodeMode.Lt => value < threshold,
            TreeNodeMode.Gte => value >= threshold,
            TreeNodeMode.Gt => value > threshold,
            TreeNodeMode.Eq => value == threshold,
            _ => value != threshold,
        };
    }
}

/// <summary>
/// A tree ensemble's leaf weights and base value as ONNX Runtime keeps them: floats, each leaf's weights summed in
/// float in attribute order, and for <c>AVERAGE</c> the sum divided by the tree count once, before the base value.
/// </summary>
/// <param name="Leaf">Per node: the leaf's weight (0 for branches).</param>
/// <param name="BaseValue">The base value added to the sum.</param>
/// <param name="Average">Whether the sum is divided by the tree count.</param>
internal sealed record TreeEnsembleFloats(float[] Leaf, float BaseValue, bool Average);

/// <summary>An ONNX tree node's <c>nodes_modes</c> entry.</summary>
internal enum TreeNodeMode : byte
{
    Leaf,
    Leq,
    Lt,
    Gte,
    Gt,
    Eq,
    Neq,
}

/// <summary>The ONNX tree ensemble's <c>post_transform</c> this SDK explains exactly.</summary>
internal enum TreePostTransform : byte
{
    None,
    Logistic,
}
