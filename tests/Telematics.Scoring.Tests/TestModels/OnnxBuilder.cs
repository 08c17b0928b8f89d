namespace Telematics.Scoring.Tests.TestModels;

/// <summary>
/// Writes ONNX models (onnx-ml protobuf) from code, using the published field numbers of ModelProto,
/// GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto and TensorProto.
/// </summary>
internal sealed class OnnxBuilder
{
    // TensorProto.DataType values.
    public const int Float = 1;
    public const int Int64 = 7;
    public const int String = 8;
    public const int Double = 11;

    /// <summary>A dimension written as the symbol <c>N</c> (dim_param) instead of a number.</summary>
    public const long Symbolic = -1;

    // AttributeProto.AttributeType values.
    private const int AttrFloat = 1;
    private const int AttrInt = 2;
    private const int AttrString = 3;
    private const int AttrFloats = 6;
    private const int AttrInts = 7;
    private const int AttrStrings = 8;
    private const int AttrTensor = 4;

    // TensorProto.DataType of the uint8 tensors TreeEnsemble (ai.onnx.ml 5) takes its node modes as.
    private const int UInt8 = 2;

    private readonly List<Action<ProtoWriter>> _nodes = [];
    private readonly List<Action<ProtoWriter>> _inputs = [];
    private readonly List<Action<ProtoWriter>> _outputs = [];
    private readonly List<Action<ProtoWriter>> _initializers = [];

    /// <summary>Adds a graph input: a float tensor [N, columns].</summary>
    public OnnxBuilder FloatInput(string name, int columns)
    {
        _inputs.Add(w => ValueInfo(w, name, t => TensorType(t, Float, columns)));
        return this;
    }

    /// <summary>Adds a graph input of any element type and shape; <see cref="Symbolic"/> dimensions are written as symbols.</summary>
    public OnnxBuilder Input(string name, int elementType, params long[] dims)
    {
        _inputs.Add(w => ValueInfo(w, name, t => TensorType(t, elementType, dims)));
        return this;
    }

    /// <summary>Adds a graph input that is a map key → float (what DictVectorizer reads).</summary>
    public OnnxBuilder MapInput(string name, int keyType)
    {
        _inputs.Add(w => ValueInfo(w, name, t =>
            t.Message(5, map => map.Int64(1, keyType).Message(2, value => value.Message(1, tensor => tensor.Int64(1, Float))))));
        return this;
    }

    /// <summary>Adds a graph output of any element type and shape; <see cref="Symbolic"/> dimensions are written as symbols.</summary>
    public OnnxBuilder Output(string name, int elementType, params long[] dims)
    {
        _outputs.Add(w => ValueInfo(w, name, t => TensorType(t, elementType, dims)));
        return this;
    }

    /// <summary>Adds a graph output that is a tensor of <paramref name="elementType"/> with no declared shape (ONNX Runtime reports the one it infers, if any).</summary>
    public OnnxBuilder ShapelessOutput(string name, int elementType)
    {
        _outputs.Add(w => ValueInfo(w, name, t => t.Message(1, tensor => tensor.Int64(1, elementType))));
        return this;
    }

    /// <summary>Adds a graph output that is a tensor [N] (columns = 0) or [N, columns].</summary>
    public OnnxBuilder TensorOutput(string name, int elementType, int columns)
    {
        _outputs.Add(w => ValueInfo(w, name, t => TensorType(t, elementType, columns)));
        return this;
    }

    /// <summary>Adds a graph output that is a sequence of maps key → float (ZipMap).</summary>
    public OnnxBuilder ZipMapOutput(string name, int keyType)
    {
        _outputs.Add(w => ValueInfo(w, name, t =>
            t.Message(4, seq => seq.Message(1, elem => elem.Message(5, map => map
                .Int64(1, keyType)
                .Message(2, value => value.Message(1, tensor => tensor.Int64(1, Float))))))));
        return this;
    }

    /// <summary>Adds a float initializer (TensorProto with dims and float_data).</summary>
    public OnnxBuilder FloatInitializer(string name, long[] dims, float[] values)
    {
        _initializers.Add(w => w.Message(5, t => t
            .PackedInt64s(1, dims)
            .Int64(2, Float)
            .PackedFloats(4, values)
            .String(8, name)));
        return this;
    }

    /// <summary>Adds a double initializer (TensorProto with dims and raw_data: little-endian float64 values), as skl2onnx writes float64 weights.</summary>
    public OnnxBuilder DoubleInitializer(string name, long[] dims, double[] values)
    {
        _initializers.Add(w => w.Message(5, t => t
            .PackedInt64s(1, dims)
            .Int64(2, Double)
            .String(8, name)
            .Bytes(9, [.. values.SelectMany(BitConverter.GetBytes)])));
        return this;
    }

    /// <summary>
    /// Adds a float initializer whose data lies in another file, as <c>onnx.save(..., save_as_external_data=True)</c> writes
    /// it: TensorProto with dims, external_data (location, offset, length) and data_location = EXTERNAL, no float_data.
    /// </summary>
    public OnnxBuilder ExternalFloatInitializer(string name, long[] dims, string location)
    {
        var length = dims.Aggregate(4L, (size, dim) => size * dim);
        _initializers.Add(w => w.Message(5, t => t
            .PackedInt64s(1, dims)
            .Int64(2, Float)
            .String(8, name)
            .Message(13, e => e.String(1, "location").String(2, location))
            .Message(13, e => e.String(1, "offset").String(2, "0"))
            .Message(13, e => e.String(1, "length").String(2, length.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Int64(14, 1)));
        return this;
    }

    /// <summary>Adds an int64 initializer (TensorProto with dims and int64_data), such as the axes Squeeze takes from opset 13 on.</summary>
    public OnnxBuilder Int64Initializer(string name, long[] dims, long[] values)
    {
        _initializers.Add(w => w.Message(5, t => t
            .PackedInt64s(1, dims)
            .Int64(2, Int64)
            .PackedInt64s(7, values)
            .String(8, name)));
        return this;
    }

    /// <summary>Adds a node; <paramref name="attributes"/> writes its AttributeProtos through <see cref="Attributes"/>.</summary>
    public OnnxBuilder Node(string opType, string domain, string[] inputs, string[] outputs, Action<Attributes>? attributes = null)
    {
        var name = $"{opType}_{_nodes.Count}";
        _nodes.Add(w => w.Message(1, n =>
        {
            foreach (var input in inputs)
            {
                n.String(1, input);
            }

            foreach (var output in outputs)
            {
                n.String(2, output);
            }

            n.String(3, name).String(4, opType).String(7, domain);
            attributes?.Invoke(new Attributes(n));
        }));
        return this;
    }

    /// <summary>Writes the ModelProto: IR version 8 (10 for ai.onnx.ml 5), opsets ai.onnx 17 (21 for ai.onnx.ml 5) and ai.onnx.ml <paramref name="mlOpset"/>.</summary>
    public byte[] Build(int mlOpset = 3)
    {
        var model = new ProtoWriter()
            .Int64(1, mlOpset >= 5 ? 10 : 8)
            .String(2, "telematics-tests")
            .String(3, "1")
            .Message(8, o => o.String(1, "").Int64(2, mlOpset >= 5 ? 21 : 17))
            .Message(8, o => o.String(1, "ai.onnx.ml").Int64(2, mlOpset))
            .Message(7, g =>
            {
                foreach (var node in _nodes)
                {
                    node(g);
                }

                g.String(2, "test_graph");
                foreach (var initializer in _initializers)
                {
                    initializer(g);
                }

                foreach (var input in _inputs)
                {
                    g.Message(11, input);
                }

                foreach (var output in _outputs)
                {
                    g.Message(12, output);
                }
            });
        return model.ToArray();
    }

    private static void ValueInfo(ProtoWriter w, string name, Action<ProtoWriter> type) =>
        w.String(1, name).Message(2, type);

    private static void TensorType(ProtoWriter type, int elementType, long[] dims) =>
        type.Message(1, tensor =>
        {
            tensor.Int64(1, elementType);
            tensor.Message(2, shape =>
            {
                for (var i = 0; i < dims.Length; i++)
                {
                    var dim = dims[i];
                    var symbol = i == 0 ? "N" : $"d{i}";
                    shape.Message(1, d => _ = dim == Symbolic ? d.String(2, symbol) : d.Int64(1, dim));
                }
            });
        });

    private static void TensorType(ProtoWriter type, int elementType, int columns) =>
        type.Message(1, tensor =>
        {
            tensor.Int64(1, elementType);
            tensor.Message(2, shape =>
            {
                shape.Message(1, dim => dim.String(2, "N"));
                if (columns > 0)
                {
                    shape.Message(1, dim => dim.Int64(1, columns));
                }
            });
        });

    /// <summary>Writes AttributeProtos (name = 1, f = 2, i = 3, s = 4, floats = 7, ints = 8, strings = 9, type = 20).</summary>
    internal sealed class Attributes(ProtoWriter node)
    {
        public Attributes Int(string name, long value)
        {
            node.Message(5, a => a.String(1, name).Int64(3, value).Int64(20, AttrInt));
            return this;
        }

        public Attributes Float(string name, float value)
        {
            node.Message(5, a => a.String(1, name).Float(2, value).Int64(20, AttrFloat));
            return this;
        }

        public Attributes String(string name, string value)
        {
            node.Message(5, a => a.String(1, name).String(4, value).Int64(20, AttrString));
            return this;
        }

        public Attributes Floats(string name, params float[] values)
        {
            node.Message(5, a => a.String(1, name).PackedFloats(7, values).Int64(20, AttrFloats));
            return this;
        }

        public Attributes Ints(string name, params long[] values)
        {
            node.Message(5, a => a.String(1, name).PackedInt64s(8, values).Int64(20, AttrInts));
            return this;
        }

        /// <summary>A float tensor attribute (TensorProto with dims and float_data), as TreeEnsemble (ai.onnx.ml 5) takes its splits and weights.</summary>
        public Attributes FloatTensor(string name, params float[] values)
        {
            node.Message(5, a => a.String(1, name).Message(5, t => t.PackedInt64s(1, [values.Length]).Int64(2, OnnxBuilder.Float).PackedFloats(4, values)).Int64(20, AttrTensor));
            return this;
        }

        /// <summary>A uint8 tensor attribute (values in int32_data), as TreeEnsemble (ai.onnx.ml 5) takes its node modes.</summary>
        public Attributes ByteTensor(string name, params byte[] values)
        {
            node.Message(5, a => a.String(1, name).Message(5, t => t.PackedInt64s(1, [values.Length]).Int64(2, UInt8).PackedInt64s(5, values.Select(v => (long)v))).Int64(20, AttrTensor));
            return this;
        }

        public Attributes Strings(string name, params string[] values)
        {
            node.Message(5, a =>
            {
                a.String(1, name);
                foreach (var value in values)
                {
                    a.String(9, value);
                }

                a.Int64(20, AttrStrings);
            });
            return this;
        }
    }
}
