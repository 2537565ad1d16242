namespace Discovery.Hypervisor;

/// <summary>A libvirt call failed; <see cref="Exception.Message"/> is libvirt's own message.</summary>
public sealed class LibvirtException(LibvirtErrorCode code, int domain, string message) : Exception(message)
{
    /// <summary>libvirt's error number (virErrorNumber).</summary>
    public LibvirtErrorCode Code { get; } = code;

    /// <summary>The libvirt subsystem that raised it (virErrorDomain).</summary>
    public int ErrorDomain { get; } = domain;
}

/// <summary>The virErrorNumber values this code base reacts to; others keep their number.</summary>
public enum LibvirtErrorCode
{
    /// <summary>No error recorded.</summary>
    Ok = 0,

    /// <summary>An internal error.</summary>
    InternalError = 1,

    /// <summary>The driver does not support this call (e.g. migration in the test driver).</summary>
    NoSupport = 3,

    /// <summary>Bad connection.</summary>
    InvalidConnection = 6,

    /// <summary>Bad argument.</summary>
    InvalidArgument = 8,

    /// <summary>The operation failed.</summary>
    OperationFailed = 9,

    /// <summary>The XML is malformed or does not describe a valid object.</summary>
    XmlError = 27,

    /// <summary>The domain already exists.</summary>
    DomainExists = 28,

    /// <summary>Opening the connection failed.</summary>
    OpenFailed = 30,

    /// <summary>A system call failed (e.g. a file could not be read).</summary>
    SystemError = 38,

    /// <summary>No domain with that name or uuid.</summary>
    NoDomain = 42,

    /// <summary>The operation is not valid in the object's current state (e.g. starting a running domain).</summary>
    OperationInvalid = 55,

    /// <summary>The XML parsed but failed validation.</summary>
    XmlDetail = 35,

    /// <summary>A network with that name or uuid already exists.</summary>
    NetworkExists = 37,

    /// <summary>No network with that name or uuid.</summary>
    NoNetwork = 43,

    /// <summary>No snapshot with that name.</summary>
    NoDomainSnapshot = 72,
}
