using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Telematics.Benchmarks.Gate;

/// <summary>
/// A BenchmarkDotNet class instantiated in this process with a gate's parameters and set up, whose benchmark methods
/// are called through delegates that neither box nor allocate, so times and allocations are the methods' own.
/// </summary>
internal sealed class GateBenchmark : IDisposable
{
    private readonly object _instance;
    private readonly MethodInfo[] _cleanups;

    private GateBenchmark(object instance, MethodInfo[] cleanups)
    {
        _instance = instance;
        _cleanups = cleanups;
    }

    /// <summary>Creates and sets up the class the gate names.</summary>
    public static GateBenchmark Create(GateDefinition gate, Assembly benchmarks)
    {
        var type = benchmarks.GetTypes().SingleOrDefault(t => t.Name == gate.Class && !t.IsAbstract)
            ?? throw new InvalidDataException($"gate '{gate.Id}': no benchmark class {gate.Class}");
        var instance = Activator.CreateInstance(type)!;
        foreach (var (name, value) in gate.Params)
        {
            var property = type.GetProperty(name) ?? throw new InvalidDataException($"gate '{gate.Id}': {gate.Class} has no parameter {name}");
            property.SetValue(instance, Convert(value, property.PropertyType));
        }

        foreach (var setup in Methods<GlobalSetupAttribute>(type))
        {
            setup.Invoke(instance, null);
        }

        return new GateBenchmark(instance, Methods<GlobalCleanupAttribute>(type));
    }

    /// <summary>A call of <paramref name="name"/> and the operations one call counts for.</summary>
    public (Action Call, int OperationsPerInvoke) Method(string name)
    {
        var method = _instance.GetType().GetMethod(name, Type.EmptyTypes)
            ?? throw new InvalidDataException($"{_instance.GetType().Name} has no benchmark method {name}");
        var operations = method.GetCustomAttribute<BenchmarkAttribute>()?.OperationsPerInvoke ?? 1;
        if (method.ReturnType == typeof(void))
        {
            return (method.CreateDelegate<Action>(_instance), operations);
        }

        // Func<T> kept in a field of type T: no boxing, and the result is observed so the call is not removed.
        var wrap = typeof(GateBenchmark).GetMethod(nameof(Wrap), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(method.ReturnType);
        var func = method.CreateDelegate(typeof(Func<>).MakeGenericType(method.ReturnType), _instance);
        return ((Action)wrap.Invoke(null, [func])!, operations);
    }

    /// <summary>Seconds per call of <paramref name="call"/> over <paramref name="calls"/> calls.</summary>
    public static double Time(Action call, int calls)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
    }

    /// <summary>Bytes this thread allocates per call of <paramref name="call"/>, over <paramref name="calls"/> calls.</summary>
    public static double Allocated(Action call, int calls)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
    }

    public void Dispose()
    {
        foreach (var cleanup in _cleanups)
        {
            cleanup.Invoke(_instance, null);
        }
    }

    private static Action Wrap<T>(Func<T> func) => () => Sink<T>.Value = func();

    private static MethodInfo[] Methods<TAttribute>(Type type)
        where TAttribute : Attribute =>
        [.. type.GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null)];

    private static object Convert(JsonElement value, Type type) =>
        type == typeof(string) ? value.GetString()!
        : type.IsEnum ? Enum.Parse(type, value.GetString()!)
        : System.Convert.ChangeType(value.ToString(), type, CultureInfo.InvariantCulture);

    private static class Sink<T>
    {
        public static T? Value;
    }
}
