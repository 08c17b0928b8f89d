using System.Net;

namespace Telematics.Service.Storage;

/// <summary>Who performs a mutation, recorded on its audit row.</summary>
/// <param name="Name">User, service or tool name, 1–200 characters (e.g. <c>cli:alice</c>).</param>
/// <param name="Ip">Client address when the mutation came over the network; <see langword="null"/> otherwise.</param>
public readonly record struct AuditActor(string Name, IPAddress? Ip = null)
{
    /// <summary>Throws when the actor cannot be recorded.</summary>
    /// <exception cref="ArgumentException"><see cref="Name"/> is empty or longer than 200 characters.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)
        {
            throw new ArgumentException("The audit actor name must be 1–200 characters.", nameof(Name));
        }
    }
}
