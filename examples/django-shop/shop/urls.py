from django.urls import path

from pricing import views

urlpatterns = [
    path("price", views.price),
    path("checkout", views.checkout),
    path("orders/<str:order_id>/commit", views.commit),
    path("orders/<str:order_id>/release", views.release),
]
