from flask import Blueprint, abort, current_app, jsonify, render_template, request

from app import db

bp = Blueprint("books", __name__)


def _conn():
    return db.connect(current_app.config["DATABASE"])


@bp.route("/")
def index():
    books = db.find_books(_conn(), "Tolkien")
    return render_template("index.html", books=books)


@bp.get("/api/books")
def list_books():
    sorted_books = sorted(db.find_books(_conn(), "Tolkien"), key=lambda b: b["title"])
    return jsonify([dict(b) for b in sorted_books])


@bp.post("/api/books")
def create_book():
    data = request.get_json()
    if not data or "title" not in data:
        abort(400)
    db.add_book(_conn(), data["title"], data.get("author", ""))
    return jsonify(data), 201


@bp.delete("/api/books/<int:book_id>")
def delete_book(book_id):
    db.delete_book(_conn(), book_id)
    return "", 204
