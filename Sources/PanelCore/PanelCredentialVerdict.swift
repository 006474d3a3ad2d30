/// What a backend says about a configured key before it is ever sent: the settings check reports it under the
/// key's setting name, so an admin learns of a key pasted into the wrong field before the panel refuses it.
public enum PanelCredentialVerdict: Sendable, Equatable {
    /// The key has the expected form.
    case accepted
    /// The key works but deserves a note (e.g. an old key format).
    case acceptedWithWarning(String)
    /// The key cannot work here; the text says why and how to fix it.
    case rejected(String)
}
