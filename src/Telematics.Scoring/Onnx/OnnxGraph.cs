using System.Text;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// The parts of an ONNX graph the SDK reads for itself, beside ONNX Runtime: nodes (op type, inputs, outputs,
/// attributes) and the shapes of initializers. Used to explain trees exactly, to learn class labels and to learn how
/// many input columns a model reads.
/// </summary>
/// <remarks>
/// Field numbers are those of the published onnx.proto: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5;
/// NodeProto.input = 1, output = 2, op_type = 4, attribute = 5; AttributeProto.name = 1, f = 2, i = 3, s = 4,
/// floats = 7, ints = 8, strings = 9; TensorProto.dims = 1, name = 8, external_data = 13 (StringStringEntryProto key = 1,
/// value = 2), data_location = 14 (EXTERNAL = 1). A malformed message throws
/// <see cref="InvalidDataException"/>.
/// </remarks>
internal sealed class OnnxGraph
{
    private const int GraphField = 7;
    private const int NodeField = 1;
    private const int InitializerField = 5;

    private OnnxGraph(List<Node> nodes, Dictionary<string, long[]> initializerDims, Dictionary<string, long[]> smallInt64s, Dictionary<string, float[]> smallFloats, List<(string Name, string Location)> externalInitializers)
    {
        SmallFloatInitializers = smallFloats;
        Nodes = nodes;
        InitializerDims = initializerDims;
        SmallInt64Initializers = smallInt64s;
        ExternalInitializers = externalInitializers;
    }

    public List<Node> Nodes { get; }

    /// <summary>Dimensions of each initializer by name.</summary>
    public Dictionary<string, long[]> InitializerDims { get; }

    /// <summary>The values of int64 initializers of at most <see cref="SmallInitializer"/> values (such as a Reshape's target shape), by name.</summary>
    public Dictionary<string, long[]> SmallInt64Initializers { get; }

    /// <summary>The values of float initializers of at most <see cref="SmallInitializer"/> values (such as the 1 of a Mul(·, 1)), by name.</summary>
    public Dictionary<string, float[]> SmallFloatInitializers { get; }

    private const int SmallInitializer = 8;

    /// <summary>Initializers whose data lies in another file (data_location EXTERNAL), with that file's name as written.</summary>
    public List<(string Name, string Location)> ExternalInitializers { get; }

    public static OnnxGraph Read(ReadOnlySpan<byte> onnx)
    {
        var nodes = new List<Node>();
        var initializers = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var smallInt64s = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var smallFloats = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var external = new List<(string, string)>();
        var model = new OnnxProtoReader(onnx);
        while (model.Next(out var field, out var wire))
        {
            if (field != GraphField || wire != OnnxProtoReader.LengthDelimited)
            {
                model.Skip(wire);
                continue;
            }

            var graph = new OnnxProtoReader(model.ReadBytes());
            while (graph.Next(out var graphField, out var graphWire))
            {
                if (graphField == NodeField && graphWire == OnnxProtoReader.LengthDelimited)
                {
                    nodes.Add(Node.Read(graph.ReadBytes()));
                }
                else if (graphField == InitializerField && graphWire == OnnxProtoReader.LengthDelimited)
                {
                    var (name, dims, location, int64s, floats) = ReadTensorShape(graph.ReadBytes());
                    initializers[name] = dims;
                    if (int64s is not null)
                    {
                        smallInt64s[name] = int64s;
                    }

                    if (floats is not null)
                    {
                        smallFloats[name] = floats;
                    }

                    if (location is not null)
                    {
                        external.Add((name, location));
                    }
                }
                else
                {
                    graph.Skip(graphWire);
                }
            }
        }

        return new OnnxGraph(nodes, initializers, smallInt64s, smallFloats, external);
    }

    /// <summary>The node that writes <paramref name="output"/>, or null.</summary>
    public Node? Producer(string output)
    {
        foreach (var node in Nodes)
        {
            if (node.Outputs.Contains(output))
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>The nodes that read <paramref name="input"/>.</summary>
    public IEnumerable<Node> Consumers(string input) => Nodes.Where(n => n.Inputs.Contains(input));

    /// <summary>A TensorProto's name and dims, the file its data lies in when that is external (else null), and its values when it is a small int64 or float tensor (else null).</summary>
    private static (string Name, long[] Dims, string? ExternalLocation, long[]? Int64s, float[]? Floats) ReadTensorShape(ReadOnlySpan<byte> bytes)
    {
        var name = "";
        var dims = new List<long>();
        var values = new List<long>();
        var floats = new List<float>();
        long dataType = 0;
        var raw = Array.Empty<byte>();
        var external = false;
        var large = false;
        var location = "";
        var reader = new OnnxProtoReader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire is OnnxProtoReader.Varint or OnnxProtoReader.LengthDelimited:
                    reader.ReadInt64s(wire, dims);
                    break;
                case 8 when wire == OnnxProtoReader.LengthDelimited:
                    name = Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case 13 when wire == OnnxProtoReader.LengthDelimited:
                    location = ReadLocation(reader.ReadBytes()) ?? location;
                    break;
                case 14 when wire == OnnxProtoReader.Varint:
                    external = reader.ReadVarint() == 1;
                    break;
                case 2 when wire == OnnxProtoReader.Varint:
                    dataType = (long)reader.ReadVarint();
                    break;
                // Only a few values are kept: a packed run's length is checked before any is decoded, so large weights
                // stored as float_data/int64_data rather than raw_data are skipped without being materialised.
                case 4 when !large && floats.Count <= SmallInitializer:
                    large = !reader.TryReadFloats(wire, floats, SmallInitializer);
                    break;
                case 7 when !large && values.Count <= SmallInitializer:
                    large = !reader.TryReadInt64s(wire, values, SmallInitializer);
                    break;
                case 9 when wire == OnnxProtoReader.LengthDelimited:
                    var data = reader.ReadBytes();
                    raw = data.Length <= SmallInitializer * sizeof(long) ? data.ToArray() : raw;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        // TensorProto.DataType 7 is int64 and 1 float; raw_data holds little-endian values.
        for (var i = 0; dataType == 7 && i + sizeof(long) <= raw.Length; i += sizeof(long))
        {
            values.Add(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i)));
        }

        for (var i = 0; dataType == 1 && i + sizeof(float) <= raw.Length; i += sizeof(float))
        {
            floats.Add(System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i)));
        }

        var int64s = !large && dataType == 7 && values.Count is > 0 and <= SmallInitializer ? values.ToArray() : null;
        var smallFloats = !large && dataType == 1 && floats.Count is > 0 and <= SmallInitializer ? floats.ToArray() : null;
        return (name, [.. dims], external ? location : null, int64s, smallFloats);
    }

    /// <summary>The value of an external_data entry whose key is <c>location</c>, else null.</summary>
    private static string? ReadLocation(ReadOnlySpan<byte> bytes)
    {
        string? key = null, value = null;
        var reader = new OnnxProtoReader(bytes);
        while (reader.Next(out var field, out var wire))
        {
            if (field is 1 or 2 && wire == OnnxProtoReader.LengthDelimited)
            {
                var text = Encoding.UTF8.GetString(reader.ReadBytes());
                (key, value) = field == 1 ? (text, value) : (key, text);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return key == "location" ? value : null;
    }

    /// <summary>The parts of a NodeProto the SDK reads.</summary>
    internal sealed class Node
    {
        private readonly Dictionary<string, Attribute> _attributes = new(StringComparer.Ordinal);

        public List<string> Inputs { get; } = [];

        public List<string> Outputs { get; } = [];

        public string OpType { get; private set; } = "";

        public static Node Read(ReadOnlySpan<byte> bytes)
        {
            var node = new Node();
            var reader = new OnnxProtoReader(bytes);
            while (reader.Next(out var field, out var wire))
            {
                switch (field)
                {
                    case 1 when wire == OnnxProtoReader.LengthDelimited:
                        node.Inputs.Add(Encoding.UTF8.GetString(reader.ReadBytes()));
                        break;
                    case 2 when wire == OnnxProtoReader.LengthDelimited:
                        node.Outputs.Add(Encoding.UTF8.GetString(reader.ReadBytes()));
                        break;
                    case 4 when wire == OnnxProtoReader.LengthDelimited:
                        node.OpType = Encoding.UTF8.GetString(reader.ReadBytes());
                        break;
                    case 5 when wire == OnnxProtoReader.LengthDelimited:
                        var attribute = Attribute.Read(reader.ReadBytes());
                        node._attributes[attribute.Name] = attribute;
                        break;
                    default:
                        reader.Skip(wire);
                        break;
                }
            }

            return node;
        }

        public bool Has(string name) => _attributes.ContainsKey(name);

        public List<long> Ints(string name) => _attributes.TryGetValue(name, out var a) ? a.Ints : [];

        public List<float> Floats(string name) => _attributes.TryGetValue(name, out var a) ? a.Floats : [];

        public List<string> Strings(string name) => _attributes.TryGetValue(name, out var a) ? a.Strings : [];

        public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) && a.Int is { } value ? value : fallback;

        /// <summary>A float attribute (AttributeProto.f), or null when absent.</summary>
        public float? Float(string name) => _attributes.TryGetValue(name, out var a) ? a.Float : null;

        public string String(string name, string fallback) => _attributes.TryGetValue(name, out var a) && a.String is { } value ? value : fallback;
    }

    /// <summary>The parts of an AttributeProto the SDK reads.</summary>
    private sealed class Attribute
    {
        public string Name { get; private set; } = "";

        public long? Int { get; private set; }

        public float? Float { get; private set; }

        public string? String { get; private set; }

        public List<long> Ints { get; } = [];

        public List<float> Floats { get; } = [];

        public List<string> Strings { get; } = [];

        public static Attribute Read(ReadOnlySpan<byte> bytes)
        {
            var attribute = new Attribute();
            var reader = new OnnxProtoReader(bytes);
            while (reader.Next(out var field, out var wire))
            {
                switch (field)
                {
                    case 1 when wire == OnnxProtoReader.LengthDelimited:
                        attribute.Name = Encoding.UTF8.GetString(reader.ReadBytes());
                        break;
                    case 2 when wire == OnnxProtoReader.Fixed32:
                        attribute.Float = reader.ReadFixed32Float();
                        break;
                    case 3 when wire == OnnxProtoReader.Varint:
                        attribute.Int = (long)reader.ReadVarint();
                        break;
                    case 4 when wire == OnnxProtoReader.LengthDelimited:
                        attribute.String = Encoding.UTF8.GetString(reader.ReadBytes());
                        break;
                    case 7:
                        reader.ReadFloats(wire, attribute.Floats);
                        break;
                    case 8:
                        reader.ReadInt64s(wire, attribute.Ints);
                        break;
                    case 9 when wire == OnnxProtoReader.LengthDelimited:
                        attribute.Strings.Add(Encoding.UTF8.GetString(reader.ReadBytes()));
                        break;
                    default:
                        reader.Skip(wire);
                        break;
                }
            }

            return attribute;
        }
    }
}
