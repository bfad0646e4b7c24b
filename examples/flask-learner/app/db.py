import sqlite3


class BookNotFound(Exception):
    """Raised when a book id does not exist."""


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def init(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS books (id INTEGER PRIMARY KEY, title TEXT, author TEXT)")


def find_books(conn: sqlite3.Connection, author: str) -> list:
    cur = conn.cursor()
    cur.execute("SELECT id, title FROM books WHERE author = ?", (author,))
    return cur.fetchall()


def search(conn, title):
    cur = conn.cursor()
    cur.execute(f"SELECT id, title FROM books WHERE title LIKE '%{title}%'")
    return cur.fetchall()


def add_book(conn, title, author):
    conn.execute("INSERT INTO books (title, author) VALUES (?, ?)", (title, author))


def rename_book(conn, book_id, title):
    conn.execute("UPDATE books SET title = ? WHERE id = ?", (title, book_id))


def delete_book(conn, book_id):
    try:
        conn.execute("DELETE FROM books WHERE id = ?", (book_id,))
    except sqlite3.IntegrityError:
        raise BookNotFound(book_id)
