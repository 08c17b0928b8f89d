using System.Buffers.Binary;
using System.Text;

namespace Telematics.Training.Packaging;

/// <summary>
/// The few protobuf encodings an ONNX model needs (varint, length-delimited, packed floats and int64s), written
/// forwards: a nested message is built in its own buffer and appended with its length.
/// </summary>
internal sealed class ProtoBuffer
{
    private readonly List<byte> _bytes = [];

    public ProtoBuffer Int64(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
        return this;
    }

    public ProtoBuffer String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoBuffer Message(int field, Action<ProtoBuffer> write)
    {
        var inner = new ProtoBuffer();
        write(inner);
        return Bytes(field, inner.ToArray());
    }

    public ProtoBuffer PackedInt64s(int field, ReadOnlySpan<long> values)
    {
        var inner = new ProtoBuffer();
        foreach (var value in values)
        {
            inner.Varint((ulong)value);
        }

        return Bytes(field, inner.ToArray());
    }

    public ProtoBuffer PackedFloats(int field, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return Bytes(field, bytes);
    }

    public byte[] ToArray() => [.. _bytes];

    private ProtoBuffer Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _bytes.Add((byte)value);
    }
}
