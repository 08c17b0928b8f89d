using System.Buffers.Binary;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// Reads protobuf wire format (the encoding of .onnx files) field by field: just what the tree-ensemble reader
/// needs — varints, fixed32 floats, length-delimited bytes and packed repeated numbers.
/// </summary>
/// <remarks>A malformed message throws <see cref="InvalidDataException"/>.</remarks>
internal ref struct OnnxProtoReader
{
    // Protobuf wire types.
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public OnnxProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new InvalidDataException("Truncated varint in the ONNX protobuf.");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("Varint longer than 10 bytes in the ONNX protobuf.");
    }

    public float ReadFixed32Float()
    {
        var bytes = Take(4);
        return BinaryPrimitives.ReadSingleLittleEndian(bytes);
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new InvalidDataException("A length-delimited field runs past the end of the ONNX protobuf.");
        }

        return Take((int)length);
    }

    /// <summary>Skips the current field's value.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Take(8);
                break;
            case LengthDelimited:
                ReadBytes();
                break;
            case Fixed32:
                Take(4);
                break;
            default:
                throw new InvalidDataException($"Unsupported protobuf wire type {wireType} in the ONNX model.");
        }
    }

    /// <summary>Appends a repeated int64 field's value(s): packed (length-delimited) or one varint.</summary>
    public void ReadInt64s(int wireType, List<long> destination)
    {
        if (wireType == Varint)
        {
            destination.Add((long)ReadVarint());
            return;
        }

        var packed = new OnnxProtoReader(ReadBytes());
        while (packed._position < packed._data.Length)
        {
            destination.Add((long)packed.ReadVarint());
        }
    }

    /// <summary>Appends a repeated float field's value(s): packed (length-delimited) or one fixed32.</summary>
    public void ReadFloats(int wireType, List<float> destination)
    {
        if (wireType == Fixed32)
        {
            destination.Add(ReadFixed32Float());
            return;
        }

        DecodeFloats(ReadBytes(), destination);
    }

    /// <summary>
    /// Like <see cref="ReadInt64s"/>, but a packed run longer than <paramref name="maxValues"/> varints can be (10 bytes each)
    /// is skipped undecoded, so a large tensor is never materialised: returns false then.
    /// </summary>
    public bool TryReadInt64s(int wireType, List<long> destination, int maxValues)
    {
        if (wireType == Varint)
        {
            destination.Add((long)ReadVarint());
            return true;
        }

        var bytes = ReadBytes();
        if (bytes.Length > maxValues * 10)
        {
            return false;
        }

        var packed = new OnnxProtoReader(bytes);
        while (packed._position < packed._data.Length)
        {
            destination.Add((long)packed.ReadVarint());
        }

        return true;
    }

    /// <summary>
    /// Like <see cref="ReadFloats"/>, but a packed run of more than <paramref name="maxValues"/> floats is skipped undecoded,
    /// so a large tensor is never materialised: returns false then.
    /// </summary>
    public bool TryReadFloats(int wireType, List<float> destination, int maxValues)
    {
        if (wireType == Fixed32)
        {
            destination.Add(ReadFixed32Float());
            return true;
        }

        var packed = ReadBytes();
        if (packed.Length > maxValues * sizeof(float))
        {
            return false;
        }

        DecodeFloats(packed, destination);
        return true;
    }

    private static void DecodeFloats(ReadOnlySpan<byte> packed, List<float> destination)
    {
        if (packed.Length % 4 != 0)
        {
            throw new InvalidDataException("A packed float field's length is not a multiple of 4 in the ONNX protobuf.");
        }

        for (var i = 0; i < packed.Length; i += 4)
        {
            destination.Add(BinaryPrimitives.ReadSingleLittleEndian(packed.Slice(i, 4)));
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new InvalidDataException("Truncated field in the ONNX protobuf.");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
